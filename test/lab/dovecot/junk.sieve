require ["fileinto"];
# Stand-in for a provider's spam filter: a message marked as spam lands in Junk.
if anyof (header :contains "X-Spam-Flag" "YES", header :contains "X-Lab-Placement" "junk") {
  fileinto "Junk";
  stop;
}

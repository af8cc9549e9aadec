"""In-process peer of the smtp probe: Python's stdlib smtplib doing the same steps (connect, EHLO, STARTTLS with
certificate verification, EHLO, AUTH PLAIN, MAIL FROM, RCPT TO, QUIT) WARMUP times untimed, then RUNS times, in
one process.
Prints one JSON line: the wall milliseconds of each session and the process CPU seconds spent in them.
Usage: smtp_session.py HOST PORT CA_FILE SERVERNAME USER PASSWORD FROM TO WARMUP RUNS"""
import json
import smtplib
import ssl
import sys
import time

host, port, ca_file, servername, user, password, sender, rcpt, warmup, runs = sys.argv[1:11]


def session():
    context = ssl.create_default_context(cafile=ca_file)
    with smtplib.SMTP(host, int(port), local_hostname="probe.lab.test", timeout=10) as smtp:
        smtp._host = servername  # the name STARTTLS verifies, as the probe's tls.servername
        smtp.ehlo()
        smtp.starttls(context=context)
        smtp.ehlo()
        smtp.login(user, password)
        code, _ = smtp.mail(sender)
        assert code == 250, code
        code, _ = smtp.rcpt(rcpt)
        assert code == 250, code


for _ in range(int(warmup)):  # untimed, as the node side's warm-up
    session()
times = []
cpu_start = time.process_time()
for _ in range(int(runs)):
    start = time.perf_counter()
    session()
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"ms": times, "cpu": time.process_time() - cpu_start}))

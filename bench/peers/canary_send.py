"""In-process peer of the canary send: compose the canary with the stdlib email package, DKIM-sign it with
python3-dkim, hand it over with smtplib (connect, EHLO, STARTTLS with certificate verification, EHLO, MAIL, RCPT,
DATA, QUIT), RUNS times in one process after one warm-up. Reads the message fields and relay as JSON on stdin;
prints one JSON line: the wall milliseconds of each send, the process CPU seconds spent in them, and the Message-ID
and byte size of each signed message."""
import json
import smtplib
import ssl
import sys
import time
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, localtime

import dkim

job = json.load(sys.stdin)
key = job["dkimKey"].encode()


def send():
    msg = EmailMessage()
    msg["From"] = job["from"]
    msg["To"] = job["to"]
    msg["Subject"] = job["subject"]
    msg["Date"] = format_datetime(localtime())
    message_id = f"<{uuid.uuid4()}@{job['dkimDomain']}>"
    msg["Message-ID"] = message_id
    msg[job["headerName"]] = job["headerValue"]
    msg.set_content(job["text"])
    raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    signature = dkim.sign(
        raw, job["selector"].encode(), job["dkimDomain"].encode(), key,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"],
    )
    signed = signature + raw
    context = ssl.create_default_context(cafile=job["caFile"])
    with smtplib.SMTP(job["host"], job["port"], local_hostname=job["ehloName"], timeout=10) as smtp:
        smtp._host = job["servername"]  # the name STARTTLS verifies, as the probe's tls.servername
        smtp.ehlo()
        smtp.starttls(context=context)
        smtp.ehlo()
        refused = smtp.sendmail(job["from"], [job["to"]], signed)
        assert not refused, refused
    return message_id, len(signed)


send()  # warm-up, as the node side warms up
times, messages = [], []
cpu_start = time.process_time()
for _ in range(int(job["runs"])):
    start = time.perf_counter()
    messages.append(send())
    times.append((time.perf_counter() - start) * 1000)
cpu = time.process_time() - cpu_start
print(json.dumps({"ms": times, "cpu": cpu, "messages": messages}))

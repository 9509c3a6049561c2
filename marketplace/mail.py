"""Outgoing email with three backends chosen by MAIL_BACKEND.

- ``file``: development; each message is written as an .eml file under instance/mail/
  and announced in the log.
- ``smtp``: production; sent through MAIL_SERVER.
- ``memory``: tests; messages are kept in ``mailer.outbox``.
"""
from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

log = logging.getLogger(__name__)


class Mailer:
    def __init__(self) -> None:
        self.outbox: list[EmailMessage] = []
        self._config: dict = {}
        self._mail_dir: Path | None = None

    def init_app(self, app) -> None:
        backend = app.config["MAIL_BACKEND"]
        if backend not in {"file", "smtp", "memory"}:
            raise RuntimeError(f"MAIL_BACKEND={backend!r} is not one of file, smtp, memory")
        self._config = {k: v for k, v in app.config.items() if k.startswith("MAIL_")}
        self._mail_dir = Path(app.instance_path) / "mail"
        self.outbox = []
        app.extensions["mailer"] = self

    def send(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._config["MAIL_DEFAULT_SENDER"]
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = f"<{uuid.uuid4()}@coop-market>"
        message.set_content(body)
        backend = self._config["MAIL_BACKEND"]
        if backend == "memory":
            self.outbox.append(message)
        elif backend == "file":
            self._write_file(message)
        else:
            self._send_smtp(message)
        return message

    def _write_file(self, message: EmailMessage) -> None:
        assert self._mail_dir is not None
        self._mail_dir.mkdir(parents=True, exist_ok=True)
        path = self._mail_dir / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(bytes(message))
        log.info("mail to %s (%s) written to %s", message["To"], message["Subject"], path)

    def _send_smtp(self, message: EmailMessage) -> None:
        config = self._config
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)

"""Email delivery: the lead as readable text in Chinese and English (the firm's language first),
with the same lead attached as JSON for the firm's own systems.

The two languages are two inline text/plain parts of a multipart/mixed message, not
multipart/alternative: mail clients show only one part of an "alternative", and a firm's
English-speaking partner and Chinese-speaking associate should both be able to read it.

SMTP settings come from `Settings.smtp` (LAWBOT_SMTP_*), over TLS by default (STARTTLS, or
implicit TLS on port 465; the certificate is verified); the Message-ID is derived from the
idempotency key, so a retried email is recognisably the same message.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot import topics
from bot.delivery.errors import DeliveryError
from bot.settings import SmtpSettings
from bot.settings import load as load_settings

SMTP_TIMEOUT = 30

# The email's texts (mail.*) and the language names (languages.*) in bot/knowledge/messages.yml.
MESSAGES = Path(__file__).resolve().parents[1] / "knowledge" / "messages.yml"
_MESSAGES: dict[str, dict[str, dict[str, str]]] = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
LABELS: dict[str, dict[str, str]] = {
    language: {key: text[language] for key, text in _MESSAGES["mail"].items()} for language in ("en", "zh")
}
# The client's language, named in the email's language (another code is shown as it is).
ERASURE_LABELS: dict[str, dict[str, str]] = {
    language: {key: text[language] for key, text in _MESSAGES["erasure_notice"].items()}
    for language in ("en", "zh")
}
# The same notice when staff withdrew the lead from the firm (event lead.withdrawn).
WITHDRAWAL_LABELS: dict[str, dict[str, str]] = {
    language: {key: text[language] for key, text in _MESSAGES["withdrawal_notice"].items()}
    for language in ("en", "zh")
}
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    language: {code: _MESSAGES["languages"][code][language] for code in ("zh", "en", "ru")}
    for language in ("en", "zh")
}


def languages_for(firm_languages: list[str] | None) -> tuple[str, str]:
    """Chinese and English, the firm's first listed one of them first (Chinese when it lists neither)."""
    first = next((code for code in firm_languages or [] if code in ("zh", "en")), "zh")
    return (first, "en" if first == "zh" else "zh")


def _topic_name(code: object, language: str) -> str:
    try:
        return topics.get(str(code)).name[language]
    except KeyError:
        return str(code)


def _answers(lead: Mapping[str, Any], language: str) -> list[str]:
    """Each answer with its question's wording and the option's label, when the topic knows them."""
    try:
        questions = {q.key: q for q in topics.get(str(lead.get("topic"))).questions}
    except KeyError:
        questions = {}
    lines = []
    for key, value in (lead.get("answers") or {}).items():
        question = questions.get(key)
        labels = {o.value: o.label[language] for o in question.options} if question else {}
        lines.append(f"  - {question.text[language] if question else key}: {labels.get(str(value), value)}")
    return lines


def render_text(lead: Mapping[str, Any], language: str, idempotency_key: str) -> str:
    """The lead as plain text in one language."""
    label = LABELS[language]
    contact = lead.get("contact") or {}
    consent = lead.get("consent") or {}
    lines = [
        label["title"],
        "",
        f"{label['topic']}: {_topic_name(lead.get('topic'), language)} ({lead.get('topic')})",
        f"{label['urgency']}: {label['high'] if lead.get('urgency') == 'high' else label['normal']}",
        f"{label['language']}: {LANGUAGE_NAMES[language].get(str(lead.get('language')), lead.get('language'))}",
        f"{label['received']}: {lead.get('created_at')}",
        f"{label['lead_id']}: {lead.get('id')}",
        "",
        f"{label['summary']}:",
        f"  {lead.get('summary') or '-'}",
        "",
    ]
    answers = _answers(lead, language)
    if answers:
        lines += [f"{label['answers']}:", *answers, ""]
    lines.append(f"{label['contact']}:")
    lines += [
        f"  {label[field]}: {contact.get(field) or '-'}"
        for field in ("name", "company", "phone", "email", "wechat_id", "preferred_channel")
    ]
    lines += [
        f"{label['counterparty']}: {lead.get('counterparty') or '-'}",
        "",
        label["consent"].format(
            at=consent.get("shared_at") or "-", version=consent.get("notice_version") or "-"
        ),
        label["duplicate"].format(key=idempotency_key),
        label["attached"],
    ]
    return "\n".join(lines) + "\n"


def _envelope(subject: str, to: str, sender: str, idempotency_key: str, lead_id: str) -> EmailMessage:
    """A message's headers: who, what, and the keys that let a firm's mailbox drop a resend."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{idempotency_key}@{domain}>"
    message["X-Lawbot-Idempotency-Key"] = idempotency_key
    message["X-Lawbot-Lead-Id"] = lead_id
    return message


def build_message(
    lead: Mapping[str, Any], to: str, firm_languages: list[str] | None, idempotency_key: str, sender: str
) -> EmailMessage:
    """The email a firm receives for one lead."""
    first, second = languages_for(firm_languages)
    urgent = lead.get("urgency") == "high"
    subject = " / ".join(
        LABELS[lang]["subject"].format(topic=_topic_name(lead.get("topic"), lang))
        + (LABELS[lang]["urgent_subject"] if urgent else "")
        for lang in (first, second)
    )
    message = _envelope(subject, to, sender, idempotency_key, str(lead.get("id")))
    if urgent:
        message["Importance"] = "high"
    for number, lang in enumerate((first, second)):
        add = message.add_attachment if number else message.set_content  # the second makes it mixed
        add(
            render_text(lead, lang, idempotency_key),
            subtype="plain",
            charset="utf-8",
            disposition="inline",
            headers=[f"Content-Language: {'zh-Hans' if lang == 'zh' else 'en'}"],
        )
    message.add_attachment(
        json.dumps(lead, ensure_ascii=False, indent=2).encode("utf-8"),
        maintype="application",
        subtype="json",
        filename=f"lead-{lead.get('id')}.json",
    )
    return message


def build_erasure_message(
    notice: Mapping[str, Any], to: str, firm_languages: list[str] | None, idempotency_key: str, sender: str
) -> EmailMessage:
    """The email telling a firm that the client of a lead it received had their data erased: the
    lead's id and the time only (nothing else about the person is sent again)."""
    first, second = languages_for(firm_languages)
    withdrawn = notice.get("event") == "lead.withdrawn"
    labels = WITHDRAWAL_LABELS if withdrawn else ERASURE_LABELS
    lead_id = str(notice.get("lead_id"))
    erased_at = str(notice.get("withdrawn_at" if withdrawn else "erased_at"))
    subject = " / ".join(labels[lang]["subject"].format(lead_id=lead_id) for lang in (first, second))
    message = _envelope(subject, to, sender, idempotency_key, lead_id)
    message["X-Lawbot-Event"] = str(notice.get("event") or "lead.erased")
    for number, lang in enumerate((first, second)):
        label = labels[lang]
        body = "\n".join(
            [
                label["title"].format(lead_id=lead_id),
                "",
                label["request"],
                "",
                label["erased_at"].format(at=erased_at),
                label["duplicate"].format(key=idempotency_key),
            ]
        )
        add = message.add_attachment if number else message.set_content
        add(
            body + "\n",
            subtype="plain",
            charset="utf-8",
            disposition="inline",
            headers=[f"Content-Language: {'zh-Hans' if lang == 'zh' else 'en'}"],
        )
    return message


def send(message: EmailMessage, smtp: SmtpSettings | None = None) -> None:
    """Hands the message to the SMTP server (Settings.smtp by default); raises DeliveryError,
    permanent for 5xx refusals."""
    smtp = smtp or load_settings().smtp
    if not smtp.host:
        raise DeliveryError("LAWBOT_SMTP_HOST is not set: email deliveries wait until it is", permanent=False)
    if smtp.user and not (smtp.tls or smtp.starttls):
        raise DeliveryError("refusing to send the SMTP login in clear: set LAWBOT_SMTP_STARTTLS=1 or TLS")
    context = ssl.create_default_context(cafile=smtp.ca_file)
    try:
        connect = (
            smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=SMTP_TIMEOUT, context=context)
            if smtp.tls
            else smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT)
        )
        with connect as server:
            if smtp.starttls and not smtp.tls:
                server.starttls(context=context)
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            server.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"SMTP refused the recipient(s): {error.recipients}", permanent=True) from error
    except smtplib.SMTPResponseException as error:
        text = error.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else text
        raise DeliveryError(f"SMTP {error.smtp_code}: {text}", permanent=error.smtp_code >= 500) from error
    except (smtplib.SMTPException, OSError) as error:
        where = f"{smtp.host}:{smtp.port}"
        raise DeliveryError(f"SMTP {where}: {type(error).__name__}: {error}") from error

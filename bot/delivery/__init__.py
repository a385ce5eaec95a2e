"""Delivery of consented leads to law firms, through a durable outbox.

- `sharing`: what the conversation calls once the user has agreed to share with named firms;
  it only writes outbox rows, in the same transaction as the consent, and never sends.
- `outbox`: the rows, how they are claimed, retried with backoff and finally marked failed.
- `webhook`, `mail`: the two ways a firm receives a lead.
- `worker` (`python -m bot.delivery`): the process that sends what is due.
"""

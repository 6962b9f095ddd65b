"""Diary notifications (DIA-06, N-16, INT-05, DIA-09 delivery): the guardians' own subscriptions,
the outbox of e-mails and SMS, the region's transport settings, and the tasks that send."""

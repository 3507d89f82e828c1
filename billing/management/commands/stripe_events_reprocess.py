from django.core.management.base import BaseCommand, CommandError

from billing.webhooks import events_reprocess


class Command(BaseCommand):
    help = "Re-process stored Stripe webhook events: the given ids, or every failed one with --failed."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int)
        parser.add_argument("--failed", action="store_true")

    def handle(self, *args, ids, failed, **options):
        if not ids and not failed:
            raise CommandError("Give event ids or --failed.")
        outcome = events_reprocess(ids=ids, failed=failed)
        self.stdout.write(", ".join(f"{status}: {n}" for status, n in sorted(outcome.items())) or "nothing to do")

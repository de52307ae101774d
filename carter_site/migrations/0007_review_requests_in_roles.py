"""Marketing editors ask clinicians for a clinical review of an article and withdraw their
requests; clinical reviewers see them; site administrators get the new permissions too
(docs/roles.md)."""

from django.db import migrations

from carter_site.roles import update_roles


class Migration(migrations.Migration):
    dependencies = [
        ("carter_site", "0006_reviewers_sign_only_as_themselves"),
        ("articles", "0018_review_request"),
        ("locations", "0011_special_days_in_roles"),
        ("pages", "0002_roles"),
    ]

    operations = [migrations.RunPython(update_roles(models=["articles.reviewrequest"]), migrations.RunPython.noop)]

"""Stories and updates keep their sanitised HTML beside the Markdown (rendered once when written);
rows that exist already are rendered here."""
from django.db import migrations, models


def render_existing(apps, schema_editor):
    from crowdfunding.markdown import render_markdown

    Campaign = apps.get_model("crowdfunding", "Campaign")
    CampaignUpdate = apps.get_model("crowdfunding", "CampaignUpdate")
    for campaign in Campaign.objects.exclude(story="").only("pk", "story").iterator(chunk_size=200):
        Campaign.objects.filter(pk=campaign.pk).update(story_html=str(render_markdown(campaign.story)))
    for update in CampaignUpdate.objects.only("pk", "body").iterator(chunk_size=200):
        CampaignUpdate.objects.filter(pk=update.pk).update(body_html=str(render_markdown(update.body)))


class Migration(migrations.Migration):

    dependencies = [
        ("crowdfunding", "0006_backers_export"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="story_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="campaignupdate",
            name="body_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(render_existing, migrations.RunPython.noop),
    ]

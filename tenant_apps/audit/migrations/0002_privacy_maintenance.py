from django.db import migrations

# Still append-only for everyone, except inside a transaction that has declared privacy
# maintenance (SET LOCAL educrowd.audit_maintenance = 'on'): erasure replaces a person's name,
# email and address in the entries about them, and retention deletes entries past their
# period. Both go through tenants.audit (audit_anonymise, audit_purge), which audit what they did.
FORWARD = """
        CREATE OR REPLACE FUNCTION tenant_audit_auditentry_append_only() RETURNS trigger AS $$
        BEGIN
            IF coalesce(current_setting('educrowd.audit_maintenance', true), '') = 'on' THEN
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
        END;
        $$ LANGUAGE plpgsql;
"""
REVERSE = """
        CREATE OR REPLACE FUNCTION tenant_audit_auditentry_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP; END;
        $$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("tenant_audit", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]

from django.db import connection
def test_probe(site_a, admin_a, site_b, admin_b):
    print("schema at client time", connection.schema_name)
    c = site_a.client(admin_a)
    r = c.get("/manage/users/")
    print(r.status_code, r.content[:100])

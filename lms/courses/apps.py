from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "lms.courses"
    label = "courses"
    verbose_name = "Courses, publishing, enrollment and progress"

    def ready(self):
        from billing.api import product_provider_register
        from tenants.api import tenant_usage_counter_register

        from .dashboard_cache import connect_signals
        from .products import CourseProducts
        from .selectors import course_count

        connect_signals()
        tenant_usage_counter_register("courses", course_count)
        product_provider_register("course", CourseProducts())
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications)
        from . import messaging_contacts

        messaging_contacts.register()  # learners <-> their courses' staff (tenant_apps.messaging)

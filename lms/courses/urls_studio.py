"""The authoring studio (/studio/): courses, outline, content, publishing, staff, preview."""
from django.urls import path

from . import views_studio as views

app_name = "studio"

course = "courses/<slug:slug>/"

urlpatterns = [
    path("", views.course_list, name="courses"),
    path("courses/new/", views.course_create, name="course-new"),
    path(course, views.course_edit, name="course"),
    path(course + "markdown-preview", views.markdown_preview, name="markdown-preview"),
    path(course + "cover", views.course_cover, name="cover"),
    path(course + "preview/", views.course_preview, name="preview"),
    # outline: modules, lessons, content items
    path(course + "modules/add", views.module_add, name="module-add"),
    path(course + "modules/<uuid:module>/rename", views.module_rename, name="module-rename"),
    path(course + "modules/<uuid:module>/delete", views.module_delete, name="module-delete"),
    path(course + "modules/<uuid:module>/move", views.module_move, name="module-move"),
    path(course + "modules/<uuid:module>/lessons/add", views.lesson_add, name="lesson-add"),
    path(course + "lessons/<uuid:lesson>/", views.lesson_detail, name="lesson"),
    path(course + "lessons/<uuid:lesson>/rename", views.lesson_rename, name="lesson-rename"),
    path(course + "lessons/<uuid:lesson>/delete", views.lesson_delete, name="lesson-delete"),
    path(course + "lessons/<uuid:lesson>/move", views.lesson_move, name="lesson-move"),
    path(course + "lessons/<uuid:lesson>/items/add", views.item_add, name="item-add"),
    path(course + "items/<uuid:item>/", views.item_edit, name="item"),
    path(course + "items/<uuid:item>/delete", views.item_delete, name="item-delete"),
    path(course + "items/<uuid:item>/move", views.item_move, name="item-move"),
    path(course + "items/<uuid:item>/file", views.item_file, name="item-file"),
    # publishing
    path(course + "publish/", views.course_publish, name="publish"),
    path(course + "history/", views.course_history, name="history"),
    path(course + "rollback", views.course_rollback, name="rollback"),
    path(course + "unpublish", views.course_unpublish, name="unpublish"),
    # course staff
    path(course + "staff/", views.course_staff, name="staff"),
    path(course + "staff/<uuid:public_id>/remove", views.course_staff_remove, name="staff-remove"),
]

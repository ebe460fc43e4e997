from django.contrib import admin

from .models import Body, Employee, Occupation, OrgUnit


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "municipality"]
    list_filter = ["municipality", "kind"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "cost_centre", "kind", "municipality", "is_active"]
    list_filter = ["municipality", "kind", "sector"]
    readonly_fields = ["path", "depth"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["ssyk_code", "name_sv", "name_en"]
    search_fields = ["ssyk_code", "name_sv", "name_en"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["employee_number", "last_name", "first_name", "unit", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["employee_number", "last_name"]

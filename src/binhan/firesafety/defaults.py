"""The default equipment types and their rules (DOMAIN.md; intervals are configurable per type).

Extinguishers are checked and, when needed, refilled on a schedule: a CO2 extinguisher is weighed
every six months, a powder one checked once a year. Alarms and push-buttons are tested every six
months, the rest yearly. Only active types count towards a household being equipped.
"""

# code, requirement, months, has capacity, Vietnamese, English, French, Persian
EQUIPMENT_TYPES = [
    ("powder-extinguisher", "extinguisher", 12, True, "Bình chữa cháy bột", "Powder extinguisher",
     "Extincteur à poudre", "کپسول آتش‌نشانی پودری"),
    ("co2-extinguisher", "extinguisher", 6, True, "Bình chữa cháy CO2", "CO2 extinguisher", "Extincteur CO2",
     "کپسول آتش‌نشانی CO2"),
    ("crowbar", "demolition", 12, False, "Xà beng", "Crowbar", "Pied-de-biche", "دیلم"),
    ("hammer", "demolition", 12, False, "Búa", "Hammer", "Marteau", "چکش"),
    ("axe", "demolition", 12, False, "Rìu", "Axe", "Hache", "تبر"),
    ("hydraulic-pliers", "demolition", 12, False, "Kìm cộng lực", "Hydraulic pliers", "Pince hydraulique",
     "انبر هیدرولیکی"),
    ("smoke-detector", "alarm", 12, False, "Đầu báo khói", "Smoke detector", "Détecteur de fumée", "آشکارساز دود"),
    ("alarm-bell", "alarm", 6, False, "Chuông báo cháy", "Alarm bell", "Sonnerie d'alarme", "زنگ هشدار"),
    ("push-button", "alarm", 6, False, "Nút ấn báo cháy", "Push-button", "Bouton-poussoir d'alarme",
     "دکمه هشدار"),
    ("fire-blanket", "", 12, False, "Chăn chữa cháy", "Fire blanket", "Couverture anti-feu", "پتوی نسوز"),
    ("ladder", "", 12, False, "Thang", "Ladder", "Échelle", "نردبان"),
    ("other", "", 12, False, "Thiết bị khác", "Other", "Autre", "سایر"),
]


def install_defaults(EquipmentType) -> None:  # noqa: N803 - the historical model from a migration
    for order, (code, requirement, months, capacity, vi, en, fr, fa) in enumerate(EQUIPMENT_TYPES, start=1):
        EquipmentType.objects.get_or_create(code=code, defaults={
            "name": vi, "names": {"vi": vi, "en": en, "fr": fr, "fa": fa}, "requirement": requirement,
            "interval_months": months, "has_capacity": capacity, "order": order * 10})

"""The categories every installation starts with; provinces change or add their own."""

from binhan.reports.models import Priority, TeamType


def names(vi: str, en: str, fr: str, fa: str) -> dict[str, str]:
    return {"vi": vi, "en": en, "fr": fr, "fa": fa}


DEFAULT_CATEGORIES = [
    {"code": "crime-tip", "names": names("Tin báo tội phạm", "Crime tip", "Signalement d'un crime", "گزارش جرم"),
     "default_priority": Priority.HIGH, "team_type": TeamType.POLICE, "may_be_public": False, "icon": "🚨",
     "colour": "#a4161a"},
    {"code": "theft", "names": names("Trộm cắp tài sản", "Theft", "Vol", "سرقت"),
     "default_priority": Priority.HIGH, "team_type": TeamType.POLICE, "may_be_public": True, "icon": "👜",
     "colour": "#d1495b",
     "questions": [{"code": "value", "type": "number", "required": False,
                    "label": names("Giá trị ước tính (đồng)", "Estimated value (VND)", "Valeur estimée (VND)",
                                   "ارزش تقریبی (دونگ)")},
                   {"code": "what", "type": "multiple", "required": False,
                    "label": names("Tài sản bị mất", "What was taken", "Ce qui a été volé", "چه چیزی برده شد"),
                    "choices": [{"code": "motorbike", "label": names("Xe máy", "Motorbike", "Moto", "موتورسیکلت")},
                                {"code": "phone", "label": names("Điện thoại", "Phone", "Téléphone", "تلفن")},
                                {"code": "money", "label": names("Tiền", "Money", "Argent", "پول")},
                                {"code": "other", "label": names("Khác", "Other", "Autre", "دیگر")}]}]},
    {"code": "drugs", "names": names("Ma túy", "Drugs", "Drogues", "مواد مخدر"),
     "default_priority": Priority.HIGH, "team_type": TeamType.POLICE, "may_be_public": False, "icon": "💊",
     "colour": "#6a4c93"},
    {"code": "gambling", "names": names("Cờ bạc", "Gambling", "Jeux d'argent", "قمار"),
     "default_priority": Priority.NORMAL, "team_type": TeamType.POLICE, "may_be_public": True, "icon": "🎲",
     "colour": "#8d6a9f"},
    {"code": "fire", "names": names("Cháy, nguy cơ cháy", "Fire or fire risk", "Incendie ou risque d'incendie",
                                    "آتش‌سوزی یا خطر آتش"),
     "default_priority": Priority.URGENT, "team_type": TeamType.FIRE, "may_be_public": True, "icon": "🔥",
     "colour": "#e36414", "duplicate_radius_m": 300, "duplicate_window_hours": 6,
     "target_minutes": {"urgent": 10, "high": 60, "normal": 720, "low": 2880},
     "questions": [{"code": "burning", "type": "single", "required": True,
                    "label": names("Đang cháy?", "Is it burning now?", "Est-ce en train de brûler ?",
                                   "آیا الان در حال سوختن است؟"),
                    "choices": [{"code": "yes", "label": names("Đang cháy", "Yes, burning", "Oui, ça brûle",
                                                               "بله، در حال سوختن")},
                                {"code": "risk", "label": names("Có nguy cơ", "A risk only", "Un risque seulement",
                                                                "فقط خطر")}]}]},
    {"code": "dispute-noise", "names": names("Mâu thuẫn, gây ồn", "Dispute or noise", "Conflit ou bruit",
                                             "اختلاف یا سر و صدا"),
     "default_priority": Priority.NORMAL, "team_type": TeamType.MEDIATION, "may_be_public": True, "icon": "📢",
     "colour": "#2a9d8f"},
    {"code": "domestic-violence", "names": names("Bạo lực gia đình", "Domestic violence", "Violence conjugale",
                                                 "خشونت خانگی"),
     "default_priority": Priority.URGENT, "team_type": TeamType.POLICE, "may_be_public": False, "icon": "🏠",
     "colour": "#9d0208"},
    {"code": "traffic-accident", "names": names("Tai nạn giao thông", "Traffic accident", "Accident de la route",
                                                "تصادف رانندگی"),
     "default_priority": Priority.URGENT, "team_type": TeamType.POLICE, "may_be_public": True, "icon": "🚗",
     "colour": "#f4a261", "duplicate_radius_m": 300, "duplicate_window_hours": 3},
    {"code": "suspicious", "names": names("Người, phương tiện khả nghi", "Suspicious person or vehicle",
                                          "Personne ou véhicule suspect", "فرد یا وسیله نقلیه مشکوک"),
     "default_priority": Priority.NORMAL, "team_type": TeamType.SECURITY, "may_be_public": False, "icon": "👁",
     "colour": "#264653"},
    {"code": "lost-found", "names": names("Mất, nhặt được đồ", "Lost or found", "Objet perdu ou trouvé",
                                          "گم‌شده یا پیداشده"),
     "default_priority": Priority.LOW, "team_type": TeamType.POLICE, "may_be_public": True, "icon": "🔎",
     "colour": "#457b9d"},
    {"code": "environment-order", "names": names("Môi trường, trật tự công cộng", "Environment or public order",
                                                 "Environnement ou ordre public", "محیط زیست یا نظم عمومی"),
     "default_priority": Priority.LOW, "team_type": TeamType.SECURITY, "may_be_public": True, "icon": "🌳",
     "colour": "#40916c"},
    {"code": "other", "names": names("Khác", "Other", "Autre", "دیگر"),
     "default_priority": Priority.NORMAL, "team_type": TeamType.POLICE, "may_be_public": True, "icon": "•",
     "colour": "#6c757d"},
]


def install_default_categories(category_model) -> int:
    """Create the default national categories that are missing; never overwrite a province's changes."""
    created = 0
    for order, spec in enumerate(DEFAULT_CATEGORIES, start=1):
        fields = {**spec, "name": spec["names"]["vi"], "order": order * 10}
        code = fields.pop("code")
        _obj, was_created = category_model.objects.get_or_create(province=None, code=code, defaults=fields)
        created += was_created
    return created

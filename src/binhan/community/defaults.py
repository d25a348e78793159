"""The default model types (Guidance 22 and the provinces' practice) and the default team rule (DOMAIN.md)."""

# code, Vietnamese, English, French, Persian
MODEL_TYPES = [
    ("security-cameras", "Camera an ninh", "Security cameras", "Caméras de sécurité", "دوربین‌های امنیتی"),
    ("self-managed-area", "Khu dân cư tự quản", "Self-managed residential area", "Quartier autogéré",
     "محله خودگردان"),
    ("no-explosives-coast", "Làng biển không sử dụng chất nổ", "Coastal village without explosives",
     "Village côtier sans explosifs", "روستای ساحلی بدون مواد منفجره"),
    ("religious-leaders", "Chức sắc tôn giáo tham gia giữ gìn an ninh, trật tự",
     "Religious leaders for order", "Responsables religieux pour l'ordre", "رهبران دینی برای نظم"),
    ("no-domestic-violence", "Khu dân cư không có bạo lực gia đình", "Area free of domestic violence",
     "Quartier sans violence domestique", "محله بدون خشونت خانگی"),
    ("parish-no-offending-youth", "Giáo xứ không có thanh thiếu niên vi phạm pháp luật",
     "Parish without offending youth", "Paroisse sans jeunes délinquants", "محله کلیسایی بدون نوجوانان بزهکار"),
    ("security-fund", "Quỹ an ninh nhân dân", "People's fund for security", "Fonds populaire pour la sécurité",
     "صندوق مردمی امنیت"),
    ("fire-safety-team", "Tổ liên gia an toàn phòng cháy, chữa cháy", "Fire-safety team",
     "Équipe de sécurité incendie", "تیم ایمنی آتش‌سوزی"),
    ("mediation", "Hòa giải ở cơ sở", "Mediation", "Médiation", "میانجیگری"),
    ("other", "Mô hình khác", "Other", "Autre", "سایر"),
]

# Đắk Lắk's rule (DOMAIN.md): up to 2,000 people → 3 members, more → 4.
DEFAULT_SIZE_BANDS = [[2000, 3]]
DEFAULT_SIZE_ABOVE = 4


def install_defaults(ModelType, ProvinceRule) -> None:  # noqa: N803 - historical models from a migration
    for order, (code, vi, en, fr, fa) in enumerate(MODEL_TYPES, start=1):
        ModelType.objects.get_or_create(
            province=None, code=code,
            defaults={"name": vi, "names": {"vi": vi, "en": en, "fr": fr, "fa": fa}, "order": order * 10},
        )
    ProvinceRule.objects.get_or_create(province=None, defaults={"size_bands": DEFAULT_SIZE_BANDS,
                                                                "size_above": DEFAULT_SIZE_ABOVE})

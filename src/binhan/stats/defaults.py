"""Default checklists and scoring sheet (DOMAIN.md; Circular 124/2021/TT-BCA). Data: change them in the admin."""


def names(vi: str, en: str, fr: str, fa: str) -> dict:
    return {"vi": vi, "en": en, "fr": fr, "fa": fa}


CRITERIA = {
    "area": [
        ("registration", "", names(
            "100% hộ gia đình đăng ký thực hiện phong trào ngay từ quý I", "Every household signed up to the movement in the first quarter",
            "Tous les foyers inscrits au mouvement dès le premier trimestre", "همه خانوارها در فصل اول در جنبش ثبت‌نام کرده‌اند")),
        ("policies", "", names(
            "Thực hiện tốt các chủ trương, chính sách về an ninh, trật tự", "Security and order policies carried out",
            "Politiques de sécurité et d'ordre appliquées", "سیاست‌های امنیت و نظم اجرا شده است")),
        ("no-serious-incident", "", names(
            "Không xảy ra các vụ việc nghiêm trọng theo danh mục", "None of the listed serious incidents happened",
            "Aucun des incidents graves de la liste", "هیچ‌یک از حوادث جدی فهرست‌شده رخ نداده است")),
        ("crime-held-down", "not_above_last_year:reports.received", names(
            "Tội phạm, tai nạn, tệ nạn xã hội được kiềm chế so với năm trước",
            "Crime, accidents and social evils held down against last year",
            "Crimes, accidents et fléaux sociaux contenus par rapport à l'an dernier",
            "جرم، حوادث و آسیب‌های اجتماعی نسبت به سال قبل مهار شده است")),
        ("effective-model", "at_least_one:community.models", names(
            "Có mô hình tự quản hoạt động hiệu quả", "An effective self-management model",
            "Un modèle d'autogestion efficace", "یک الگوی خودگردان مؤثر")),
    ],
    "commune": [
        ("effective-model", "at_least_one:community.models", names(
            "Có ít nhất một mô hình phong trào hoạt động hiệu quả", "At least one effective movement model",
            "Au moins un modèle du mouvement efficace", "دست‌کم یک الگوی مؤثر جنبش")),
        ("no-discipline", "", names(
            "Không có cán bộ công an bị kỷ luật", "No police officer disciplined",
            "Aucun policier sanctionné", "هیچ مأمور پلیسی توبیخ نشده است")),
        ("areas-recognised", "areas_recognised:70", names(
            "Ít nhất 70% khu dân cư đạt chuẩn an toàn", "At least 70% of residential areas recognised as safe",
            "Au moins 70 % des zones résidentielles reconnues sûres", "دست‌کم ۷۰٪ مناطق مسکونی امن شناخته شده‌اند")),
        ("crime-held-down", "not_above_last_year:reports.received", names(
            "Tội phạm, tai nạn, tệ nạn xã hội được kiềm chế so với năm trước",
            "Crime, accidents and social evils held down against last year",
            "Crimes, accidents et fléaux sociaux contenus par rapport à l'an dernier",
            "جرم، حوادث و آسیب‌های اجتماعی نسبت به سال قبل مهار شده است")),
    ],
}
for _subject in ("agency", "enterprise", "school"):
    CRITERIA[_subject] = [
        ("internal-rules", "", names(
            "Thực hiện quy chế bảo vệ an ninh, trật tự nội bộ", "Internal security rules carried out",
            "Règles internes de sécurité appliquées", "مقررات امنیت داخلی اجرا شده است")),
        ("no-serious-incident", "", names(
            "Không xảy ra vụ việc nghiêm trọng về an ninh, trật tự", "No serious security incident",
            "Aucun incident grave de sécurité", "هیچ حادثه امنیتی جدی رخ نداده است")),
        ("education", "", names(
            "Tuyên truyền, giáo dục về an ninh, trật tự", "People educated on security and order",
            "Sensibilisation à la sécurité et à l'ordre", "آموزش درباره امنیت و نظم")),
    ]

SCORE_ITEMS = [
    ("organisation", 20, names("Lãnh đạo, chỉ đạo, tổ chức phong trào", "Leadership, plans and organisation",
                               "Direction, plans et organisation", "رهبری، برنامه‌ها و سازمان‌دهی")),
    ("mobilisation", 15, names("Tuyên truyền, vận động quần chúng", "Propaganda and mobilisation of the people",
                               "Information et mobilisation de la population", "اطلاع‌رسانی و بسیج مردم")),
    ("models", 20, names("Xây dựng, nhân rộng mô hình hiệu quả", "Effective models built and replicated",
                         "Modèles efficaces créés et reproduits", "ساخت و گسترش الگوهای مؤثر")),
    ("results", 25, names("Kết quả kiềm chế tội phạm, tệ nạn, tai nạn", "Crime, social evils and accidents reduced",
                          "Réduction des crimes, fléaux et accidents", "کاهش جرم، آسیب‌ها و حوادث")),
    ("forces", 20, names("Lực lượng cơ sở: tổ bảo vệ, tuần tra, trực", "Grassroots forces: teams, patrols, duty",
                         "Forces de base : équipes, patrouilles, permanences", "نیروهای محلی: تیم‌ها، گشت، کشیک")),
]


def load(apps, schema_editor) -> None:
    Criterion = apps.get_model("stats", "Criterion")
    ScoreItem = apps.get_model("stats", "ScoreItem")
    for subject, rows in CRITERIA.items():
        for order, (code, prefill, texts) in enumerate(rows, start=1):
            Criterion.objects.get_or_create(subject=subject, code=code, defaults={
                "text": texts["vi"], "texts": texts, "prefill": prefill,
                "order": order * 10})
    for order, (code, points, texts) in enumerate(SCORE_ITEMS, start=1):
        ScoreItem.objects.get_or_create(code=code, defaults={"text": texts["vi"], "texts": texts, "points": points,
                                                             "order": order * 10})

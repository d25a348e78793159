"""Vietnamese names, streets and addresses for synthetic households.

The people are invented; only the shape is real. Family-name weights follow the commonly
cited shares of the population (Nguyễn about 38 %, Trần 11 %, Lê 9.5 % ...), with the
southern forms Huỳnh and Võ rarer than Hoàng and Vũ as they are in a northern province.
"""

from __future__ import annotations

import random
from itertools import accumulate

FAMILY_NAMES = (
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 4.0), ("Huỳnh", 1.1),
    ("Phan", 4.5), ("Vũ", 3.2), ("Võ", 0.7), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.8), ("Trịnh", 0.6), ("Đào", 0.6), ("Mai", 0.4),
)
MALE_MIDDLE = ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Công", "Đình", "Mạnh", "Ngọc",
               "Tiến", "Anh")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Thùy", "Kim",
                 "Bích", "Thanh", "Mai")
MALE_GIVEN = ("An", "Bình", "Cường", "Dũng", "Duy", "Đức", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Hưng",
              "Khánh", "Kiên", "Long", "Lâm", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn",
              "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Tâm", "Hậu")
FEMALE_GIVEN = ("Anh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương", "Huyền",
                "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo",
                "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Hồng", "Thu", "Hòa")
# Household sizes 1..7, averaging about 3.5 people.
MEMBER_COUNTS = (1, 2, 3, 4, 5, 6, 7)
MEMBER_WEIGHTS = (9, 18, 23, 26, 14, 6, 4)
# Streets of Quảng Ninh's towns and the names every Vietnamese town gives its streets.
STREETS = (
    "Trần Hưng Đạo", "Lê Thánh Tông", "Hạ Long", "Nguyễn Văn Cừ", "Cao Thắng", "Kênh Liêm", "Lê Lợi",
    "Nguyễn Trãi", "Hùng Vương", "Lý Thường Kiệt", "Quang Trung", "Bạch Đằng", "Hai Bà Trưng", "Nguyễn Du",
    "Trần Phú", "Tuệ Tĩnh", "Võ Thị Sáu", "Phan Bội Châu", "Lê Hồng Phong", "Ngô Quyền", "Hoàng Quốc Việt",
    "Nguyễn Văn Linh", "Trần Quốc Nghiễn", "Giếng Đồn", "Vườn Đào", "Anh Dũng", "Lý Tự Trọng", "Điện Biên Phủ",
    "Trần Nhân Tông", "Hòa Bình", "Độc Lập", "Tuần Châu", "Ba Đèo", "Cột Đồng Hồ", "Lê Quý Đôn", "Tô Hiến Thành",
)
HAMLETS = ("Đông", "Tây", "Nam", "Bắc", "Trên", "Dưới", "Giữa", "Chùa", "Đình", "Đồng", "Bến", "Núi")

_FAMILY = tuple(name for name, _w in FAMILY_NAMES)
_FAMILY_CUM = tuple(accumulate(weight for _n, weight in FAMILY_NAMES))
_MEMBER_CUM = tuple(accumulate(MEMBER_WEIGHTS))


def person(rng: random.Random, *, male: bool | None = None) -> tuple[str, str, str]:
    """(family, middle, given) of one invented person; about 70 % of heads of household are men."""
    if male is None:
        male = rng.random() < 0.7
    family = rng.choices(_FAMILY, cum_weights=_FAMILY_CUM)[0]
    middles, givens = (MALE_MIDDLE, MALE_GIVEN) if male else (FEMALE_MIDDLE, FEMALE_GIVEN)
    middle = rng.choice(middles)
    return family, middle, _given(rng.choice, givens, middle)


def _given(choice, givens: tuple[str, ...], middle: str) -> str:
    given = choice(givens)
    # "Nguyễn Minh Minh" is not a name anyone gives; draw again.
    return given if given != middle else choice([g for g in givens if g != middle])


def full_name(rng: random.Random, *, male: bool | None = None) -> str:
    return " ".join(person(rng, male=male))


def phone(rng: random.Random) -> str:
    return f"09{rng.randrange(100_000_000):08d}"


def households(rng: random.Random, *, group_name: str, urban: bool, count: int) -> list[tuple[str, int, str, str]]:
    """`count` households of one group as (address, member_count, head_name, head_phone).

    Town groups live along a few streets and their alleys (ngõ); village households are
    numbered within the village and its hamlets (xóm).
    """
    sizes = rng.choices(MEMBER_COUNTS, cum_weights=_MEMBER_CUM, k=count)
    families = rng.choices(_FAMILY, cum_weights=_FAMILY_CUM, k=count)
    random_ = rng.random
    choice = rng.choice
    if urban:
        streets = rng.sample(STREETS, k=rng.randint(1, 3))
        alleys = [0, *sorted(rng.sample(range(1, 120), k=rng.randint(2, 6)))]
    else:
        hamlets = [""] + rng.sample(HAMLETS, k=rng.randint(1, 3))
    numbers: dict[tuple, int] = {}
    rows = []
    for index in range(count):
        middles, givens = (MALE_MIDDLE, MALE_GIVEN) if random_() < 0.7 else (FEMALE_MIDDLE, FEMALE_GIVEN)
        middle = choice(middles)
        head = f"{families[index]} {middle} {_given(choice, givens, middle)}"
        if urban:
            street, alley = choice(streets), choice(alleys)
            key: tuple = (street, alley)
            number = numbers[key] = numbers.get(key, 0) + 1 + int(random_() * 3)
            address = (f"Số {number}, ngõ {alley}, đường {street}" if alley else f"Số {number}, đường {street}")
        else:
            hamlet = choice(hamlets)
            number = numbers[(hamlet,)] = numbers.get((hamlet,), 0) + 1 + int(random_() * 2)
            address = f"Số {number}, xóm {hamlet}, {group_name}" if hamlet else f"Số {number}, {group_name}"
        rows.append((address, sizes[index], head, f"09{int(random_() * 100_000_000):08d}"))
    return rows

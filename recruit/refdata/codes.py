"""Fixed code lists shipped with the app (DESIGN §3). Editable lists live in the database."""

from datetime import date

from recruit.db_types import LabelledEnum

#: Zhuzhou's regions, GB/T 2260: (code, name, parent, valid_from, valid_to, successor).
REGIONS: list[tuple[str, str, str | None, date | None, date | None, str | None]] = [
    ("430000", "湖南省", None, None, None, None),
    ("430200", "株洲市", "430000", None, None, None),
    ("430202", "荷塘区", "430200", None, None, None),
    ("430203", "芦淞区", "430200", None, None, None),
    ("430204", "石峰区", "430200", None, None, None),
    ("430211", "天元区", "430200", None, None, None),
    # 株洲县 was abolished and became 渌口区 by State Council approval in June 2018.
    ("430212", "渌口区", "430200", date(2018, 6, 19), None, None),
    ("430221", "株洲县", "430200", None, date(2018, 6, 19), "430212"),
    ("430223", "攸县", "430200", None, None, None),
    ("430224", "茶陵县", "430200", None, None, None),
    ("430225", "炎陵县", "430200", None, None, None),
    ("430281", "醴陵市", "430200", None, None, None),
]

#: 中华人民共和国职业分类大典（2022年版）: the eight major groups.
OCCUPATION_MAJOR_GROUPS: dict[int, str] = {
    1: "党的机关、国家机关、群众团体和社会组织、企事业单位负责人",
    2: "专业技术人员",
    3: "办事人员和有关人员",
    4: "社会生产服务和生活服务人员",
    5: "农、林、牧、渔业生产及辅助人员",
    6: "生产制造及有关人员",
    7: "军人",
    8: "不便分类的其他从业人员",
}
OCCUPATION_EDITION = "2022"

#: GB/T 4754-2017 国民经济行业分类: the twenty sections (门类).
INDUSTRY_SECTIONS: dict[str, str] = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}


class Education(LabelledEnum):
    """Minimum education, a coarse scale mapped to GB/T 4658 codes."""

    NONE = "none", "不限"
    PRIMARY = "primary", "小学"
    JUNIOR_HIGH = "junior_high", "初中"
    SENIOR_HIGH = "senior_high", "高中"
    VOCATIONAL = "vocational", "中专/技校"
    JUNIOR_COLLEGE = "junior_college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士"
    DOCTOR = "doctor", "博士"

    @property
    def gbt4658(self) -> str | None:
        """Return the GB/T 4658 code, None for 不限."""
        return _GBT4658[self]

    @property
    def rank(self) -> int:
        """Return the level on the coarse scale (高中 and 中专/技校 share one)."""
        return _EDUCATION_RANK[self]

    @classmethod
    def requirement_choices(cls) -> list[tuple[str, str]]:
        """Return what a position may require: 不限 and up (小学 is no requirement anyone sets)."""
        return [(m.value, m.label) for m in cls if m is not cls.PRIMARY]

    @classmethod
    def seeker_choices(cls) -> list[tuple[str, str]]:
        """Return what a seeker may have: 小学 and up (不限 describes a position, not a person)."""
        return [(m.value, m.label) for m in cls if m is not cls.NONE]


_GBT4658 = {
    Education.NONE: None,
    Education.PRIMARY: "80",
    Education.JUNIOR_HIGH: "70",
    Education.SENIOR_HIGH: "60",
    Education.VOCATIONAL: "40",
    Education.JUNIOR_COLLEGE: "30",
    Education.BACHELOR: "20",
    Education.MASTER: "14",
    Education.DOCTOR: "11",
}
_EDUCATION_RANK = {
    Education.NONE: 0,
    Education.PRIMARY: 0,
    Education.JUNIOR_HIGH: 1,
    Education.SENIOR_HIGH: 2,
    Education.VOCATIONAL: 2,
    Education.JUNIOR_COLLEGE: 3,
    Education.BACHELOR: 4,
    Education.MASTER: 5,
    Education.DOCTOR: 6,
}


class FairType(LabelledEnum):
    COMPREHENSIVE = "comprehensive", "综合招聘会"
    INDUSTRY_CHAIN = "industry_chain", "产业链专场"
    GRADUATES = "graduates", "高校毕业生专场"
    VETERANS = "veterans", "退役军人专场"
    MIGRANT_WORKERS = "migrant_workers", "农民工/春风行动"
    ASSISTANCE_MONTH = "assistance_month", "就业援助月"
    PRIVATE_ENTERPRISE = "private_enterprise", "民营企业招聘月"
    OTHER = "other", "其他"


class FairMode(LabelledEnum):
    OFFLINE = "offline", "线下"
    ONLINE = "online", "线上"
    HYBRID = "hybrid", "线上线下"


class PriorityGroup(LabelledEnum):
    GRADUATE = "graduate", "高校毕业生"
    VETERAN = "veteran", "退役军人"
    RURAL_MIGRANT = "rural_migrant", "农村转移劳动力"
    POVERTY_ALLEVIATED = "poverty_alleviated", "脱贫劳动力"
    HARD_TO_EMPLOY = "hard_to_employ", "就业困难人员"
    DISABLED = "disabled", "残疾人"
    REGISTERED_UNEMPLOYED = "registered_unemployed", "城镇登记失业人员"


class EmploymentType(LabelledEnum):
    FULL_TIME = "full_time", "全职"
    PART_TIME = "part_time", "兼职"
    INTERNSHIP = "internship", "实习"
    TEMPORARY = "temporary", "临时/季节性"


class Experience(LabelledEnum):
    NONE = "none", "不限"
    FRESH = "fresh", "应届/无经验"
    UNDER_1 = "lt1", "1年以下"
    Y1_3 = "1_3", "1-3年"
    Y3_5 = "3_5", "3-5年"
    Y5_10 = "5_10", "5-10年"
    OVER_10 = "gt10", "10年以上"


class EmployerSize(LabelledEnum):
    MICRO = "micro", "微型（20人以下）"
    SMALL = "small", "小型（20-299人）"
    MEDIUM = "medium", "中型（300-999人）"
    LARGE = "large", "大型（1000人及以上）"


class Gender(LabelledEnum):
    MALE = "male", "男"
    FEMALE = "female", "女"


#: The city's industry chains (产业链): (code, name, GB/T 4754 classes covered). Editable later.
INDUSTRY_CHAINS: list[tuple[str, str, list[str]]] = [
    ("ceramics", "陶瓷", ["3071", "3072", "3073", "3074", "3075", "3076", "3079"]),
    ("rail_transit", "轨道交通", ["3711", "3712", "3713", "3714", "3715", "3716", "3719"]),
    ("aviation", "航空", ["3741", "3742", "3743", "3744", "3749"]),
    ("automotive", "汽车", ["3611", "3612", "3620", "3630", "3640", "3650", "3660"]),
    ("apparel", "服饰", ["1810", "1820", "1830", "1951", "1952", "1953", "1954", "1959"]),
    ("electronics", "电子信息", ["3971", "3972", "3973", "3974", "3975", "3976", "3979"]),
    ("new_materials", "新材料", ["2651", "2652", "2653", "2659", "3091", "3099"]),
    ("cemented_carbide", "硬质合金", ["3240"]),
    ("fireworks", "烟花爆竹", ["2672"]),
]

#: The four channels of DESIGN §4, seeded once; later edits belong to the admins.
CHANNELS: list[dict] = [
    {
        "code": "xjy",
        "name": "湘就业",
        "kind": "http_json",
        "enabled": False,
        "token_env": "RECRUIT_CHANNEL_XJY_TOKEN",
    },
    {
        "code": "zzrc",
        "name": "株洲市政府人才网",
        "kind": "http_json",
        "enabled": False,
        "token_env": "RECRUIT_CHANNEL_ZZRC_TOKEN",
    },
    {"code": "jycs", "name": "就业超市", "kind": "xlsx_export", "enabled": True},
    {
        "code": "llzgz",
        "name": "这\u201c醴\u201d找工作 小程序",
        "kind": "feed",
        "enabled": True,
        "scope_regions": ["430281"],
    },
]

"""The small, realistic demo data set: employers, positions and fairs around Zhuzhou."""

# (name, region, GB/T 4754 section, class, industry chain code, size, address)
# fmt: off
EMPLOYERS = [
    ("醴陵市瓷源日用陶瓷有限公司", "430281", "C", "3074", "ceramics", "medium", "醴陵市经济开发区瓷谷大道18号"),
    ("醴陵市釉彩陈设艺术瓷有限公司", "430281", "C", "3075", "ceramics", "small", "醴陵市国瓷街道陶瓷路66号"),
    ("湖南醴晟特种陶瓷科技有限公司", "430281", "C", "3073", "ceramics", "medium", "醴陵市经济开发区东富工业园"),
    ("醴陵市窑火建筑陶瓷有限公司", "430281", "C", "3071", "ceramics", "large", "醴陵市白兔潭镇工业集中区"),
    ("醴陵市渌江烟花制造有限公司", "430281", "C", "2672", "fireworks", "small", "醴陵市浦口镇花炮工业园"),
    ("株洲天元轨道装备配件有限公司", "430211", "C", "3715", "rail_transit", "large", "株洲市天元区栗雨工业园黄河南路"),
    ("株洲石峰电力机车部件有限公司", "430204", "C", "3716", "rail_transit", "medium", "株洲市石峰区田心大道9号"),
    ("株洲芦淞航空动力零部件有限公司", "430203", "C", "3744", "aviation", "medium", "株洲市芦淞区董家塅航空城"),
    ("株洲荷塘硬质合金工具有限公司", "430202", "C", "3240", "cemented_carbide", "large", "株洲市荷塘区钻石路288号"),
    ("株洲芦淞服饰设计有限公司", "430203", "C", "1810", "apparel", "small", "株洲市芦淞区服饰城建设南路"),
    ("株洲天元新能源汽车零部件有限公司", "430211", "C", "3660", "automotive", "medium", "株洲市天元区新马工业园"),
    ("株洲星谷电子信息技术有限公司", "430211", "I", None, "electronics", "small", "株洲市天元区神农大道星谷大厦"),
    ("株洲渌口物流仓储有限公司", "430212", "G", None, None, "small", "株洲市渌口区湘江大道物流园"),
    ("攸县洣水农产品加工有限公司", "430223", "C", None, None, "small", "攸县工业集中区联星路"),
    ("攸县城南连锁超市有限公司", "430223", "F", None, None, "medium", "攸县联星街道城南路12号"),
    ("茶陵县云阳酒店管理有限公司", "430224", "H", None, None, "small", "茶陵县云阳街道犀城大道"),
    ("炎陵县神农谷旅游开发有限公司", "430225", "N", None, None, "small", "炎陵县霞阳镇炎帝大道"),
    ("株洲荷塘社区养老服务有限公司", "430202", "Q", None, None, "small", "株洲市荷塘区新华西路养老中心"),
    ("湖南株洲新材料科技有限公司", "430204", "C", "3091", "new_materials", "medium", "株洲市石峰区清水塘科技园"),
    ("株洲天元职业技能培训学校有限公司", "430211", "P", None, None, "micro", "株洲市天元区珠江北路"),
]

#: Employers that registered but are still waiting for review (index into EMPLOYERS).
PENDING_EMPLOYERS = {18, 19}

# (title, major group, openings, salary min, max (None = 面议), education, experience, type)
POSITION_TEMPLATES = {
    "ceramics": [
        ("陶瓷成型工", 6, 10, 4500, 6500, "junior_high", "none", "full_time"),
        ("釉料配制工", 6, 4, 5000, 7000, "senior_high", "1_3", "full_time"),
        ("陶瓷彩绘设计师", 2, 2, 6000, 9000, "junior_college", "3_5", "full_time"),
    ],
    "fireworks": [
        ("烟花生产操作工", 6, 12, 4200, 5800, "junior_high", "none", "full_time"),
        ("安全管理员", 3, 1, 5000, 6500, "junior_college", "3_5", "full_time"),
        ("仓库保管员", 4, 2, 3800, 4800, "senior_high", "1_3", "full_time"),
    ],
    "rail_transit": [
        ("数控车床操作工", 6, 15, 5500, 8000, "vocational", "1_3", "full_time"),
        ("电气装配工", 6, 10, 5000, 7500, "vocational", "none", "full_time"),
        ("机械设计工程师", 2, 3, 8000, 13000, "bachelor", "3_5", "full_time"),
    ],
    "aviation": [
        ("航空零部件质检员", 6, 6, 5500, 7500, "junior_college", "1_3", "full_time"),
        ("热处理工", 6, 4, 5200, 7000, "vocational", "none", "full_time"),
        ("工艺工程师", 2, 2, 9000, 14000, "bachelor", "3_5", "full_time"),
    ],
    "cemented_carbide": [
        ("压制成型工", 6, 8, 5000, 7000, "senior_high", "none", "full_time"),
        ("烧结工", 6, 5, 5500, 7500, "vocational", "1_3", "full_time"),
        ("材料研发工程师", 2, 2, 9000, 15000, "master", "1_3", "full_time"),
    ],
    "apparel": [
        ("服装缝纫工", 6, 20, 4000, 7000, "none", "none", "full_time"),
        ("服装设计助理", 2, 2, 4500, 6500, "junior_college", "fresh", "full_time"),
        ("电商客服", 4, 5, 3800, 5500, "senior_high", "none", "full_time"),
    ],
    "automotive": [
        ("汽车零部件装配工", 6, 12, 4800, 6800, "vocational", "none", "full_time"),
        ("焊接工", 6, 6, 5500, 8000, "vocational", "1_3", "full_time"),
        ("质量工程师", 2, 2, 7000, 10000, "bachelor", "3_5", "full_time"),
    ],
    "electronics": [
        ("软件开发工程师", 2, 4, 8000, 15000, "bachelor", "1_3", "full_time"),
        ("测试工程师", 2, 2, 6000, 9000, "junior_college", "1_3", "full_time"),
        ("运维实习生", 2, 3, 3000, 4000, "junior_college", "fresh", "internship"),
    ],
    "new_materials": [
        ("化工操作工", 6, 8, 5000, 7000, "senior_high", "none", "full_time"),
        ("分析检验员", 2, 2, 4800, 6500, "junior_college", "1_3", "full_time"),
        ("设备维修工", 6, 3, 5500, 7500, "vocational", "3_5", "full_time"),
    ],
    None: [
        ("仓储分拣员", 4, 10, 4000, 5500, "none", "none", "full_time"),
        ("客户服务专员", 4, 3, 3800, 5200, "senior_high", "none", "full_time"),
        ("储备店长", 4, 2, 5000, None, "junior_college", "1_3", "full_time"),
    ],
}

# fmt: on

#: Mobile ranges in service (phonenumbers' CN metadata); 140, 154, 174 … are refused.
MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)]
    + ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + [f"18{d}" for d in range(10)]
    + ["198", "199"]
)

SEEKER_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗谭彭易肖"
SEEKER_GIVEN = [
    "建华",
    "丽娟",
    "志强",
    "海燕",
    "俊杰",
    "晓敏",
    "伟",
    "静",
    "磊",
    "芳",
    "浩然",
    "雨欣",
]

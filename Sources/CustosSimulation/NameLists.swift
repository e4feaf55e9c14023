/// The word lists names and addresses are drawn from. Surnames carry weights so that common ones (Smith, Garcia, …)
/// recur, as they do in real records, which is what makes coincidental surname matches plausible.
enum NameLists {
    /// Surnames with relative frequencies; the first entries are the common ones.
    static let weightedSurnames: [(String, Int)] = [
        ("Smith", 60), ("Garcia", 50), ("Johnson", 48), ("Williams", 40), ("Brown", 36), ("Jones", 34),
        ("Miller", 30), ("Davis", 28), ("Rodriguez", 26), ("Martinez", 25), ("Hernandez", 24), ("Lopez", 22),
        ("Gonzalez", 20), ("Wilson", 20), ("Anderson", 19), ("Thomas", 18), ("Taylor", 18), ("Moore", 17),
        ("Jackson", 17), ("Martin", 16), ("Lee", 16), ("Perez", 15), ("Thompson", 15), ("White", 15),
        ("Harris", 14), ("Sanchez", 14), ("Clark", 13), ("Ramirez", 13), ("Lewis", 13), ("Robinson", 12),
        ("Walker", 12), ("Young", 12), ("Allen", 11), ("King", 11), ("Wright", 11), ("Scott", 10), ("Torres", 10),
        ("Nguyen", 10), ("Hill", 10), ("Flores", 10), ("Green", 9), ("Adams", 9), ("Nelson", 9), ("Baker", 9),
        ("Hall", 8), ("Rivera", 8), ("Campbell", 8), ("Mitchell", 8), ("Carter", 8), ("Roberts", 8),
        ("Olson", 7), ("Larson", 7), ("Lindqvist", 4), ("Kowalski", 4), ("Okafor", 4), ("Haugen", 4),
        ("Abernathy", 3), ("Brandvold", 3), ("Castellanos", 3), ("Dziedzic", 3), ("Eriksen", 3), ("Fairbanks", 3),
        ("Gallagher", 3), ("Halvorsen", 3), ("Iverson", 3), ("Jablonski", 3), ("Kaminski", 3), ("Lundgren", 3),
        ("Mbeki", 2), ("Novak", 3), ("Oyelaran", 2), ("Petrov", 3), ("Quintero", 3), ("Rasmussen", 3),
        ("Sorensen", 3), ("Takahashi", 3), ("Ulrich", 2), ("Vasquez", 4), ("Whitfield", 2), ("Xiong", 3),
        ("Yamamoto", 3), ("Zielinski", 2), ("Achterberg", 1), ("Brzezinski", 1), ("Cuthbertson", 1),
        ("Delacroix", 1), ("Ekwueme", 1), ("Fitzgerald", 2), ("Grünewald", 1), ("Hovland", 1), ("Ishikawa", 1),
    ]

    /// The surnames counted as common (the benign look-alike "common_surname_match" uses them).
    static let commonSurnames: [String] = Array(weightedSurnames.prefix(5).map(\.0))

    /// Every surname, repeated by weight, for O(1) weighted draws.
    static let surnameTable: [String] = weightedSurnames.flatMap { Array(repeating: $0.0, count: $0.1) }

    /// Given names.
    static let givenNames: [String] = [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
        "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen",
        "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Jose", "Ashley", "Steven",
        "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda",
        "Brian", "Melissa", "Luis", "Deborah", "Maria", "Stephanie", "Ahmed", "Rebecca", "Wei", "Sharon", "Kwame",
        "Laura", "Ingrid", "Aisha", "Olaf", "Priya", "Mateo", "Sofia", "Noah", "Hana", "Tomasz", "Yusuf",
    ]

    /// Street names for street-level addresses.
    static let streets: [String] = [
        "Maple Ave", "Oak St", "Cedar Ln", "Pine St", "Elm St", "Washington Ave", "Lake St", "Hill Rd", "Park Ave",
        "2nd St", "3rd Ave", "Main St", "Highland Dr", "Sunset Blvd", "River Rd", "Franklin Ave", "Lincoln St",
        "Jefferson Ave", "Madison St", "Grand Ave", "Broadway", "Willow Way", "Birch Ct", "Spruce St", "Chestnut St",
    ]

    /// Cities by state code (the states of the field offices).
    static let citiesByState: [String: [String]] = [
        "MN": ["Minneapolis", "St. Paul", "Bloomington", "Edina", "Duluth"],
        "NY": ["New York", "Brooklyn", "Yonkers", "Newark", "Jersey City"],
        "CO": ["Denver", "Aurora", "Boulder", "Lakewood", "Golden"],
        "WA": ["Seattle", "Tacoma", "Bellevue", "Everett", "Redmond"],
        "DC": ["Washington", "Arlington", "Alexandria", "Bethesda", "Silver Spring"],
    ]

    /// The states subjects live in, in a fixed order.
    static let states: [String] = ["MN", "NY", "CO", "WA", "DC"]

    /// Kinds of cases, for case titles.
    static let caseKinds: [String] = [
        "Fraud", "Narcotics", "Burglary", "Identity theft", "Assault", "Cybercrime", "Money laundering",
        "Vehicle theft", "Missing person", "Public corruption", "Extortion", "Weapons trafficking",
    ]
}

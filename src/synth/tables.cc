// Constant tables of the synthetic generator (see tables.h).
#include "synth/tables.h"

#include <array>

namespace coopscope::synth {
namespace {

using R = NameRegion;

// Shares of world output (publications with at least one author in the
// country, per mille), rounded; they sum to more than 1000 because of
// co-publications.  Orders of magnitude from recent Scopus/OpenAlex counts.
constexpr CountryInfo kWorldMix[] = {
    {"US", "United States", 250, R::kAnglo},
    {"CN", "China", 200, R::kChinese},
    {"GB", "United Kingdom", 65, R::kAnglo},
    {"DE", "Germany", 60, R::kGerman},
    {"IN", "India", 50, R::kIndian},
    {"JP", "Japan", 45, R::kJapanese},
    {"IT", "Italy", 40, R::kItalian},
    {"FR", "France", 35, R::kFrench},
    {"CA", "Canada", 35, R::kAnglo},
    {"ES", "Spain", 32, R::kHispanic},
    {"KR", "South Korea", 30, R::kKorean},
    {"AU", "Australia", 30, R::kAnglo},
    {"BR", "Brazil", 28, R::kLusophone},
    {"RU", "Russia", 20, R::kSlavic},
    {"NL", "Netherlands", 18, R::kGerman},
    {"IR", "Iran", 18, R::kMiddleEast},
    {"TR", "Turkey", 16, R::kMiddleEast},
    {"PL", "Poland", 15, R::kSlavic},
    {"CH", "Switzerland", 14, R::kGerman},
    {"SE", "Sweden", 12, R::kNordic},
    {"TW", "Taiwan", 11, R::kChinese},
    {"BE", "Belgium", 9, R::kFrench},
    {"DK", "Denmark", 8, R::kNordic},
    {"PT", "Portugal", 8, R::kLusophone},
    {"MX", "Mexico", 8, R::kHispanic},
    {"PK", "Pakistan", 8, R::kIndian},
    {"AT", "Austria", 7, R::kGerman},
    {"NO", "Norway", 7, R::kNordic},
    {"EG", "Egypt", 7, R::kMiddleEast},
    {"SA", "Saudi Arabia", 7, R::kMiddleEast},
    {"MY", "Malaysia", 7, R::kChinese},
    {"IL", "Israel", 6, R::kAnglo},
    {"FI", "Finland", 6, R::kNordic},
    {"CZ", "Czechia", 6, R::kSlavic},
    {"ZA", "South Africa", 6, R::kAnglo},
    {"ID", "Indonesia", 6, R::kIndian},
    {"GR", "Greece", 5, R::kItalian},
    {"SG", "Singapore", 5, R::kChinese},
    {"NZ", "New Zealand", 4, R::kAnglo},
    {"IE", "Ireland", 4, R::kAnglo},
    {"TH", "Thailand", 4, R::kChinese},
    {"AR", "Argentina", 4, R::kHispanic},
    {"CL", "Chile", 4, R::kHispanic},
    {"NG", "Nigeria", 4, R::kAnglo},
    {"RO", "Romania", 4, R::kSlavic},
    {"HK", "Hong Kong", 4, R::kChinese},
    {"CO", "Colombia", 3, R::kHispanic},
    {"HU", "Hungary", 3, R::kSlavic},
    {"UA", "Ukraine", 3, R::kSlavic},
    {"VN", "Vietnam", 3, R::kChinese},
    {"BD", "Bangladesh", 3, R::kIndian},
    {"MA", "Morocco", 2, R::kFrench},
    {"TN", "Tunisia", 2, R::kFrench},
    {"DZ", "Algeria", 2, R::kFrench},
    {"PE", "Peru", 1.5, R::kHispanic},
    {"KE", "Kenya", 1.5, R::kAnglo},
    {"SN", "Senegal", 0.8, R::kFrench},
    {"CI", "Côte d'Ivoire", 0.8, R::kFrench},
    {"LB", "Lebanon", 1, R::kMiddleEast},
    {"VE", "Venezuela", 0.8, R::kHispanic},
    {"SK", "Slovakia", 2, R::kSlavic},
    {"SI", "Slovenia", 1.5, R::kSlavic},
    {"HR", "Croatia", 1.5, R::kSlavic},
    {"RS", "Serbia", 2, R::kSlavic},
    {"BG", "Bulgaria", 1, R::kSlavic},
    {"EE", "Estonia", 1, R::kNordic},
    {"LT", "Lithuania", 1, R::kSlavic},
    {"LU", "Luxembourg", 1, R::kFrench},
    {"IS", "Iceland", 0.5, R::kNordic},
    {"CY", "Cyprus", 0.8, R::kItalian},
    {"AE", "United Arab Emirates", 2, R::kMiddleEast},
    {"QA", "Qatar", 1, R::kMiddleEast},
    {"JO", "Jordan", 1, R::kMiddleEast},
    {"IQ", "Iraq", 2, R::kMiddleEast},
    {"ET", "Ethiopia", 1, R::kAnglo},
    {"GH", "Ghana", 1, R::kAnglo},
    {"CM", "Cameroon", 0.6, R::kFrench},
    {"BF", "Burkina Faso", 0.4, R::kFrench},
    {"NP", "Nepal", 0.8, R::kIndian},
    {"LK", "Sri Lanka", 0.8, R::kIndian},
    {"PH", "Philippines", 1, R::kHispanic},
    {"EC", "Ecuador", 1, R::kHispanic},
    {"UY", "Uruguay", 0.6, R::kHispanic},
    {"CR", "Costa Rica", 0.4, R::kHispanic},
};

constexpr std::string_view kAngloGiven[] = {
    "James",   "Mary",      "John",    "Patricia", "Robert",   "Jennifer", "Michael",     "Linda",
    "William", "Elizabeth", "David",   "Barbara",  "Richard",  "Susan",    "Joseph",      "Jessica",
    "Thomas",  "Sarah",     "Charles", "Karen",    "Daniel",   "Emily",    "Matthew",     "Laura",
    "Andrew",  "Rachel",    "Samuel",  "Hannah",   "Benjamin", "Olivia",   "Christopher", "Megan"};
constexpr std::string_view kAngloFamily[] = {
    "Smith",  "Johnson",  "Williams",   "Brown",    "Jones",    "Miller",   "Davis",   "Wilson", "Anderson",
    "Taylor", "Thomas",   "Moore",      "Martin",   "Jackson",  "Thompson", "White",   "Harris", "Clark",
    "Lewis",  "Robinson", "Walker",     "Young",    "Allen",    "King",     "Wright",  "Scott",  "Hill",
    "Green",  "Adams",    "Baker",      "Nelson",   "Campbell", "Mitchell", "Roberts", "Carter", "Phillips",
    "Evans",  "Turner",   "Parker",     "Collins",  "Edwards",  "Stewart",  "Morris",  "Murphy", "Cook",
    "Rogers", "Morgan",   "Cooper",     "Peterson", "Reed",     "Bailey",   "Bell",    "Kelly",  "Howard",
    "Ward",   "Cox",      "Richardson", "Wood",     "Watson",   "Brooks",   "Bennett", "Gray",   "Hughes",
    "Price",  "O'Brien"};
constexpr std::string_view kChineseGiven[] = {
    "Wei", "Jing", "Li",   "Hui",    "Min",    "Yan",   "Jun",    "Lei",   "Xiaoming", "Yang",
    "Hao", "Jie",  "Ying", "Qiang",  "Lin",    "Fang",  "Ming",   "Xin",   "Yu",       "Hong",
    "Tao", "Bo",   "Peng", "Zhiwei", "Xiaoyu", "Yifan", "Haoran", "Zihan", "Ruoxi",    "Jiahui"};
constexpr std::string_view kChineseFamily[] = {"Wang", "Li",   "Zhang", "Liu",  "Chen",  "Yang",  "Huang", "Zhao",
                                               "Wu",   "Zhou", "Xu",    "Sun",  "Ma",    "Zhu",   "Hu",    "Guo",
                                               "He",   "Lin",  "Gao",   "Luo",  "Zheng", "Liang", "Xie",   "Song",
                                               "Tang", "Han",  "Feng",  "Deng", "Cao",   "Peng"};
constexpr std::string_view kGermanGiven[] = {"Lukas",    "Anna",    "Maximilian", "Julia",     "Felix",   "Laura",
                                             "Jonas",    "Lena",    "Tobias",     "Katharina", "Stefan",  "Sabine",
                                             "Andreas",  "Claudia", "Michael",    "Petra",     "Florian", "Johanna",
                                             "Matthias", "Sophie",  "Jan",        "Sanne",     "Pieter",  "Femke"};
constexpr std::string_view kGermanFamily[] = {
    "Müller",   "Schmidt",  "Schneider",    "Fischer",    "Weber",  "Meyer",   "Wagner",  "Becker",
    "Schulz",   "Hoffmann", "Schäfer",      "Koch",       "Bauer",  "Richter", "Klein",   "Wolf",
    "Schröder", "Neumann",  "Schwarz",      "Zimmermann", "Braun",  "Krüger",  "Hofmann", "Hartmann",
    "Lange",    "de Vries", "van den Berg", "Jansen",     "Bakker", "Visser"};
constexpr std::string_view kFrenchGiven[] = {
    "Jean",      "Marie",    "Pierre",   "Sophie",   "Nicolas",   "Camille", "Julien",  "Claire", "Antoine", "Céline",
    "Thomas",    "Isabelle", "François", "Nathalie", "Guillaume", "Aurélie", "Mathieu", "Émilie", "Laurent", "Hélène",
    "Sébastien", "Amélie",   "Olivier",  "Lucie",    "Vincent",   "Manon",   "Karim",   "Yasmine"};
constexpr std::string_view kFrenchFamily[] = {
    "Martin", "Bernard", "Dubois",   "Thomas",  "Robert",  "Richard", "Petit",    "Durand",  "Leroy",    "Moreau",
    "Simon",  "Laurent", "Lefebvre", "Michel",  "Garcia",  "David",   "Bertrand", "Roux",    "Vincent",  "Fournier",
    "Morel",  "Girard",  "André",    "Lefèvre", "Mercier", "Dupont",  "Lambert",  "Bonnet",  "François", "Rousseau",
    "Blanc",  "Guérin",  "Muller",   "Henry",   "Roussel", "Perrin",  "Morin",    "Mathieu", "Benali",   "Haddad"};
constexpr std::string_view kJapaneseGiven[] = {"Hiroshi", "Yuki",   "Takashi", "Keiko", "Kenji",    "Naoko",
                                               "Satoshi", "Yoko",   "Daisuke", "Akiko", "Kazuki",   "Haruka",
                                               "Takumi",  "Misaki", "Shota",   "Ayumi", "Masahiro", "Emi"};
constexpr std::string_view kJapaneseFamily[] = {"Sato",    "Suzuki",   "Takahashi", "Tanaka",    "Watanabe",
                                                "Ito",     "Yamamoto", "Nakamura",  "Kobayashi", "Kato",
                                                "Yoshida", "Yamada",   "Sasaki",    "Yamaguchi", "Matsumoto",
                                                "Inoue",   "Kimura",   "Hayashi",   "Shimizu",   "Yamazaki"};
constexpr std::string_view kKoreanGiven[] = {"Min-jun",   "Seo-yeon", "Ji-hoon", "Ji-woo", "Hyun-woo", "Soo-jin",
                                             "Dong-hyun", "Eun-ji",   "Jae-won", "Ha-eun", "Sung-min", "Ye-jin"};
constexpr std::string_view kKoreanFamily[] = {"Kim",  "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon",
                                              "Jang", "Lim", "Han",  "Oh",   "Seo",  "Shin", "Kwon"};
constexpr std::string_view kIndianGiven[] = {
    "Rahul", "Priya", "Amit",   "Anjali",  "Sanjay", "Pooja", "Vikram", "Neha",  "Arjun", "Kavita", "Rajesh", "Sunita",
    "Anil",  "Deepa", "Suresh", "Lakshmi", "Arun",   "Meera", "Ravi",   "Divya", "Imran", "Ayesha", "Budi",   "Siti"};
constexpr std::string_view kIndianFamily[] = {"Sharma", "Kumar", "Singh",   "Patel",   "Gupta",      "Reddy",
                                              "Rao",    "Iyer",  "Nair",    "Das",     "Chatterjee", "Mukherjee",
                                              "Joshi",  "Mehta", "Verma",   "Agarwal", "Pillai",     "Menon",
                                              "Bose",   "Khan",  "Hossain", "Rahman",  "Santoso",    "Wijaya"};
constexpr std::string_view kHispanicGiven[] = {"José",   "María",  "Carlos", "Ana",       "Juan",   "Lucía", "Javier",
                                               "Carmen", "Miguel", "Laura",  "Alejandro", "Isabel", "Pablo", "Marta",
                                               "Diego",  "Elena",  "Sergio", "Paula",     "Andrés", "Sofía"};
constexpr std::string_view kHispanicFamily[] = {
    "García",    "Rodríguez", "González", "Fernández", "López",   "Martínez", "Sánchez", "Pérez",  "Gómez",
    "Martín",    "Jiménez",   "Ruiz",     "Hernández", "Díaz",    "Moreno",   "Álvarez", "Romero", "Alonso",
    "Gutiérrez", "Navarro",   "Torres",   "Domínguez", "Vázquez", "Ramos",    "Castro"};
constexpr std::string_view kLusophoneGiven[] = {"João",    "Ana",      "Pedro",   "Mariana", "Lucas",
                                                "Beatriz", "Gabriel",  "Juliana", "Rafael",  "Fernanda",
                                                "Tiago",   "Carolina", "Bruno",   "Larissa"};
constexpr std::string_view kLusophoneFamily[] = {
    "Silva",      "Santos", "Oliveira", "Souza",    "Costa", "Pereira", "Ferreira", "Rodrigues", "Almeida",
    "Nascimento", "Lima",   "Araújo",   "Carvalho", "Gomes", "Ribeiro", "Martins",  "Barbosa",   "Rocha"};
constexpr std::string_view kItalianGiven[] = {"Marco",      "Giulia",   "Luca",   "Francesca", "Andrea",   "Chiara",
                                              "Alessandro", "Sara",     "Matteo", "Valentina", "Giovanni", "Elena",
                                              "Lorenzo",    "Federica", "Nikos",  "Eleni"};
constexpr std::string_view kItalianFamily[] = {"Rossi",    "Russo",   "Ferrari",      "Esposito", "Bianchi", "Romano",
                                               "Colombo",  "Ricci",   "Marino",       "Greco",    "Bruno",   "Gallo",
                                               "Conti",    "De Luca", "Costa",        "Giordano", "Mancini", "Rizzo",
                                               "Lombardi", "Moretti", "Papadopoulos", "Georgiou"};
constexpr std::string_view kSlavicGiven[] = {"Alexander", "Elena",     "Dmitry", "Olga",    "Sergey", "Natalia",
                                             "Andrei",    "Irina",     "Ivan",   "Tatiana", "Piotr",  "Katarzyna",
                                             "Tomasz",    "Agnieszka", "Jakub",  "Petra"};
constexpr std::string_view kSlavicFamily[] = {
    "Ivanov", "Smirnov",    "Kuznetsov", "Popov",      "Petrov",  "Volkov",  "Sokolov", "Novak",  "Kowalski",
    "Nowak",  "Wiśniewski", "Kovalenko", "Shevchenko", "Horváth", "Novotný", "Popescu", "Dvořák", "Nagy"};
constexpr std::string_view kNordicGiven[] = {"Erik", "Anna", "Lars",   "Karin", "Johan", "Maria",  "Mikael",
                                             "Eva",  "Nils", "Ingrid", "Mikko", "Sanna", "Henrik", "Sigrid"};
constexpr std::string_view kNordicFamily[] = {"Andersson", "Johansson", "Karlsson", "Nilsson",   "Eriksson",
                                              "Larsen",    "Hansen",    "Jensen",   "Nielsen",   "Pedersen",
                                              "Virtanen",  "Korhonen",  "Olsen",    "Lindqvist", "Tamm"};
constexpr std::string_view kMiddleEastGiven[] = {"Mohammad", "Fatemeh", "Ali",   "Zahra", "Ahmed",  "Mehmet",
                                                 "Ayşe",     "Mustafa", "Fatma", "Omar",  "Hassan", "Leila",
                                                 "Reza",     "Maryam",  "Yosef", "Noa"};
constexpr std::string_view kMiddleEastFamily[] = {"Hosseini", "Mohammadi", "Ahmadi", "Rezaei", "Yılmaz", "Kaya",
                                                  "Demir",    "Şahin",     "Çelik",  "Hassan", "Ali",    "Ibrahim",
                                                  "Mahmoud",  "Abdullah",  "Karimi", "Rahimi", "Cohen",  "Levi"};

constexpr NameList kNames[] = {
    {kAngloGiven, kAngloFamily},           {kChineseGiven, kChineseFamily},   {kGermanGiven, kGermanFamily},
    {kFrenchGiven, kFrenchFamily},         {kJapaneseGiven, kJapaneseFamily}, {kKoreanGiven, kKoreanFamily},
    {kIndianGiven, kIndianFamily},         {kHispanicGiven, kHispanicFamily}, {kLusophoneGiven, kLusophoneFamily},
    {kItalianGiven, kItalianFamily},       {kSlavicGiven, kSlavicFamily},     {kNordicGiven, kNordicFamily},
    {kMiddleEastGiven, kMiddleEastFamily},
};

constexpr std::string_view kScienceWords[] = {"analysis",      "model",         "data",
                                              "effect",        "system",        "method",
                                              "structure",     "dynamics",      "protein",
                                              "cell",          "gene",          "expression",
                                              "network",       "learning",      "climate",
                                              "soil",          "water",         "carbon",
                                              "energy",        "temperature",   "pressure",
                                              "surface",       "interface",     "thin",
                                              "film",          "quantum",       "spin",
                                              "magnetic",      "electronic",    "optical",
                                              "laser",         "plasma",        "galaxy",
                                              "star",          "dark",          "matter",
                                              "cosmic",        "neutrino",      "detector",
                                              "collision",     "boson",         "decay",
                                              "mass",          "spectrum",      "spectroscopy",
                                              "microscopy",    "imaging",       "resolution",
                                              "signal",        "noise",         "algorithm",
                                              "optimization",  "graph",         "stochastic",
                                              "probability",   "estimation",    "inference",
                                              "bayesian",      "regression",    "population",
                                              "cohort",        "patients",      "clinical",
                                              "trial",         "risk",          "mortality",
                                              "infection",     "virus",         "bacteria",
                                              "immune",        "response",      "inflammation",
                                              "tumor",         "cancer",        "therapy",
                                              "drug",          "resistance",    "receptor",
                                              "binding",       "enzyme",        "metabolism",
                                              "mitochondrial", "neuronal",      "brain",
                                              "cortex",        "memory",        "behavior",
                                              "species",       "biodiversity",  "ecosystem",
                                              "forest",        "ocean",         "marine",
                                              "sediment",      "isotope",       "seismic",
                                              "fault",         "volcanic",      "glacier",
                                              "ice",           "atmospheric",   "aerosol",
                                              "ozone",         "emission",      "pollution",
                                              "urban",         "policy",        "economic",
                                              "social",        "governance",    "education",
                                              "language",      "history",       "archaeological",
                                              "ancient",       "medieval",      "catalyst",
                                              "synthesis",     "polymer",       "nanoparticles",
                                              "graphene",      "semiconductor", "battery",
                                              "electrode",     "electrolyte",   "hydrogen",
                                              "oxidation",     "reduction",     "corrosion",
                                              "alloy",         "crystal",       "phase",
                                              "transition",    "lattice",       "defect",
                                              "diffusion",     "flow",          "turbulence",
                                              "fluid",         "heat",          "transfer",
                                              "combustion",    "wave",          "acoustic",
                                              "vibration",     "robust",        "control",
                                              "sensor",        "wireless",      "channel",
                                              "communication", "security",      "privacy",
                                              "software",      "hardware",      "parallel",
                                              "computing",     "simulation",    "numerical",
                                              "finite",        "element",       "boundary",
                                              "nonlinear",     "equation",      "solution",
                                              "theorem",       "operator",      "algebra",
                                              "geometry",      "topology",      "manifold",
                                              "symmetry",      "invariant",     "evolution",
                                              "genome",        "sequencing",    "transcriptome",
                                              "epigenetic",    "chromatin",     "rna",
                                              "dna",           "mutation",      "variant",
                                              "phylogenetic",  "adaptation",    "plant",
                                              "root",          "leaf",          "photosynthesis",
                                              "crop",          "yield",         "nitrogen",
                                              "phosphorus",    "fertilizer",    "irrigation",
                                              "drought",       "stress",        "tolerance",
                                              "microbial",     "community",     "gut",
                                              "microbiome",    "host",          "pathogen",
                                              "vaccine",       "antibody",      "peptide",
                                              "ligand",        "membrane",      "transport",
                                              "channelopathy", "calcium",       "signaling",
                                              "pathway",       "regulation",    "feedback",
                                              "oscillation",   "stability",     "instability",
                                              "threshold",     "scaling",       "distribution",
                                              "variability",   "uncertainty",   "trend",
                                              "projection",    "scenario",      "assessment",
                                              "framework",     "approach",      "evidence",
                                              "experimental",  "theoretical",   "observational",
                                              "comparative",   "longitudinal",  "multiscale",
                                              "high",          "low",           "novel",
                                              "efficient",     "sustainable",   "global",
                                              "regional",      "local",         "early",
                                              "late",          "rapid",         "new",
                                              "improved",      "accurate",      "large",
                                              "small",         "deep",          "neural",
                                              "machine",       "vision",        "robot",
                                              "autonomous",    "agent",         "game",
                                              "market",        "price",         "trade",
                                              "labor",         "health",        "care",
                                              "hospital",      "nursing",       "surgery",
                                              "cardiac",       "vascular",      "renal",
                                              "hepatic",       "pulmonary",     "diabetes",
                                              "obesity",       "nutrition",     "diet",
                                              "exercise",      "sleep",         "depression",
                                              "anxiety",       "cognitive",     "aging",
                                              "children",      "adolescents",   "women",
                                              "outcomes",      "prevalence",    "incidence",
                                              "screening",     "diagnosis",     "prognosis",
                                              "biomarker",     "sample",        "measurement",
                                              "calibration",   "validation"};

constexpr std::string_view kFunctionWords[] = {
    "the",  "of",  "and",  "in", "to", "a",  "we",    "for",   "with", "is",      "that",  "on",   "by",
    "this", "are", "from", "as", "at", "be", "which", "these", "our",  "between", "using", "under"};

constexpr std::string_view kDepartments[] = {"Department of Physics",
                                             "Department of Chemistry",
                                             "Department of Biology",
                                             "Department of Mathematics",
                                             "Department of Computer Science",
                                             "School of Medicine",
                                             "Department of Earth Sciences",
                                             "Institute of Neuroscience",
                                             "Department of Economics",
                                             "Faculty of Engineering",
                                             "Department of Ecology and Evolution",
                                             "Laboratory of Genetics",
                                             "Department of Materials Science",
                                             "School of Public Health",
                                             "Department of Astronomy",
                                             "Department of History",
                                             "Centre for Climate Research",
                                             "Department of Electrical Engineering"};

constexpr FieldInfo kFields[] = {{11, "Agricultural and Biological Sciences", 1},
                                 {12, "Arts and Humanities", 2},
                                 {13, "Biochemistry, Genetics and Molecular Biology", 1},
                                 {14, "Business, Management and Accounting", 2},
                                 {15, "Chemical Engineering", 3},
                                 {16, "Chemistry", 3},
                                 {17, "Computer Science", 3},
                                 {18, "Decision Sciences", 2},
                                 {19, "Earth and Planetary Sciences", 3},
                                 {20, "Economics, Econometrics and Finance", 2},
                                 {21, "Energy", 3},
                                 {22, "Engineering", 3},
                                 {23, "Environmental Science", 3},
                                 {24, "Immunology and Microbiology", 1},
                                 {25, "Materials Science", 3},
                                 {26, "Mathematics", 3},
                                 {27, "Medicine", 4},
                                 {28, "Neuroscience", 1},
                                 {29, "Nursing", 4},
                                 {30, "Pharmacology, Toxicology and Pharmaceutics", 1},
                                 {31, "Physics and Astronomy", 3},
                                 {32, "Psychology", 2},
                                 {33, "Social Sciences", 2},
                                 {34, "Veterinary", 4},
                                 {35, "Dentistry", 4},
                                 {36, "Health Professions", 4}};

constexpr std::string_view kDomains[] = {"Life Sciences", "Social Sciences", "Physical Sciences", "Health Sciences"};

constexpr PublisherInfo kPublishers[] = {{"Elsevier BV", 1016},
                                         {"Springer Science+Business Media", 1007},
                                         {"Wiley", 1002},
                                         {"Taylor & Francis", 1080},
                                         {"Multidisciplinary Digital Publishing Institute", 3390},
                                         {"American Chemical Society", 1021},
                                         {"IOP Publishing", 1088},
                                         {"Oxford University Press", 1093},
                                         {"Frontiers Media", 3389},
                                         {"Institute of Electrical and Electronics Engineers", 1109},
                                         {"Nature Portfolio", 1038},
                                         {"Public Library of Science", 1371},
                                         {"EDP Sciences", 1051},
                                         {"American Physical Society", 1103},
                                         {"Cambridge University Press", 1017},
                                         {"SAGE Publishing", 1177},
                                         {"American Geophysical Union", 1029},
                                         {"Royal Society of Chemistry", 1039}};

constexpr ConceptInfo kConcepts[] = {{"Computer science", 0},
                                     {"Biology", 0},
                                     {"Medicine", 0},
                                     {"Physics", 0},
                                     {"Chemistry", 0},
                                     {"Mathematics", 0},
                                     {"Materials science", 0},
                                     {"Engineering", 0},
                                     {"Environmental science", 0},
                                     {"Geology", 0},
                                     {"Psychology", 0},
                                     {"Economics", 0},
                                     {"Sociology", 0},
                                     {"Political science", 0},
                                     {"Geography", 0},
                                     {"History", 0},
                                     {"Art", 0},
                                     {"Philosophy", 0},
                                     {"Business", 0},
                                     {"Artificial intelligence", 1},
                                     {"Quantum mechanics", 1},
                                     {"Internal medicine", 1},
                                     {"Genetics", 1},
                                     {"Ecology", 1},
                                     {"Organic chemistry", 1},
                                     {"Condensed matter physics", 1},
                                     {"Astrophysics", 1},
                                     {"Biochemistry", 1},
                                     {"Immunology", 1},
                                     {"Neuroscience", 1},
                                     {"Statistics", 1},
                                     {"Optics", 1},
                                     {"Atmospheric sciences", 1},
                                     {"Oceanography", 1},
                                     {"Algorithm", 1},
                                     {"Machine learning", 2},
                                     {"Gene expression", 3},
                                     {"Climate change", 2},
                                     {"Catalysis", 2},
                                     {"Nanotechnology", 1},
                                     {"Thin film", 2},
                                     {"Galaxy", 2},
                                     {"Cancer research", 1},
                                     {"Microbiology", 1},
                                     {"Soil water", 3},
                                     {"Particle physics", 1},
                                     {"Mathematical analysis", 1},
                                     {"Econometrics", 1},
                                     {"Public health", 1},
                                     {"Surgery", 1}};

}  // namespace

std::span<const CountryInfo> WorldMix() {
  return kWorldMix;
}

const CountryInfo* FindCountryInfo(CountryCode code) {
  static const std::array<const CountryInfo*, kCountrySlots> kIndex = [] {
    std::array<const CountryInfo*, kCountrySlots> index{};
    for (const CountryInfo& c : kWorldMix) index[CountryIndex(MakeCountry(c.code))] = &c;
    return index;
  }();
  if (code == kNoCountry) return nullptr;
  return kIndex[CountryIndex(code)];
}

const NameList& Names(NameRegion region) {
  return kNames[static_cast<size_t>(region)];
}
std::span<const std::string_view> ScienceWords() {
  return kScienceWords;
}
std::span<const std::string_view> FunctionWords() {
  return kFunctionWords;
}
std::span<const std::string_view> Departments() {
  return kDepartments;
}
std::span<const FieldInfo> Fields() {
  return kFields;
}
std::string_view DomainName(int domain) {
  return kDomains[(domain - 1) & 3];
}
std::span<const PublisherInfo> Publishers() {
  return kPublishers;
}
std::span<const ConceptInfo> Concepts() {
  return kConcepts;
}

}  // namespace coopscope::synth

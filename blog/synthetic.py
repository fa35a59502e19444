"""Synthetic posts for load tests and search tuning: `python manage.py generate_posts`.

The text is English-like nonsense built from a few thousand real words, with verbs in all
their forms ("run", "runs", "ran", "running") and an occasional accented word ("café"),
so that word stemming and accent folding have something to find. Bodies are Markdown with
2-5 "## " headings and occasional lists, 400-2,000 words each.

Everything but the slugs follows from the seed: the slugs carry a token of their own so a
second run adds posts beside the first instead of clashing with it. Publication dates are
spread back from the start of the current day (UTC), so runs on the same day match exactly.
"""

import bisect
import itertools
import os
import re
import secrets
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from multiprocessing import get_context
from random import Random
from typing import NamedTuple

import django
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from blog.models import Category, Post, Tag, TaggedPost
from blog.search import compact_index
from blog.tagging import fold

MIN_WORDS = 400
MAX_WORDS = 2_000
DRAFT_SHARE = 0.05
YEARS_BACK = 5
DAYS_BACK = 365 * YEARS_BACK
TAG_COUNT = 300
SLUG_BASE_LENGTH = 180
# Starting worker processes costs about a second: worth it from this many posts.
PARALLEL_FROM = 1_000

Progress = Callable[[int, int], None]

# Vocabulary ----------------------------------------------------------------------------------

NOUNS = """
ability access account action activity address advantage advice agency agent agreement
airport album amount analysis angle animal answer apartment apple approach area argument
army arrival article artist aspect assembly assessment assignment attempt attention audience
author authority balance ball band bank bar base basis basket battle beach bed bedroom
behavior belief benefit bicycle bill bird birth blade block blood board boat body bone book
border bottle bottom box boy branch brand bread break breakfast bridge brother budget
building bus business button cabinet cable cake camera camp campaign candidate capital car
card career case cash castle cat category cause ceiling cell centre century chain chair
chairman challenge champion chance change chapter character charge chart check cheese
chemistry chicken child choice church circle citizen city claim class classroom client
climate clinic clock club coach coast coat code coffee collection college colour column
combination comment commission committee community company comparison competition
complaint computer concept concert conclusion condition conference connection consequence
contest context contract contribution control conversation cook corner cost council
country county couple courage course court cousin cover crew crime crisis critic crop
crowd culture cup currency customer cycle damage dance danger database daughter day deal
death debate debt decade decision definition degree delivery demand department deposit
design desk detail development device diamond diet difference difficulty dinner direction
director discussion disease distance district doctor document dog door draft drama drawing
dream dress drink driver economy editor effect effort election element emergency emotion
employee employer energy engine engineer entrance entry environment episode equipment error
estate event evidence exam example exchange exercise exhibition experience expert
explanation expression factor factory failure family farm farmer father fault feature fee
feeling festival field figure file film finding fire firm fish flight floor flower focus
food foot football force forest form fortune foundation frame freedom friend front fruit
fuel function fund funeral future game garden gate generation gift girl glass goal gold
government grade grain grandmother grant grass ground group growth guard guest guide gun
habit hair hall hand harbour health heart heat height highway history hole holiday home
hope horse hospital host hotel hour house housing husband idea image impact importance
improvement incident income increase independence index industry inflation influence
information injury input insect  instance instruction instrument insurance intention
interest interview introduction investment island issue item job journey judge judgment
key kid kitchen knowledge lab lake land language law lawyer layer leader league lecture
length lesson letter level library licence life light limit line link list literature loan
location lock loss love machine magazine management manager map market marriage material
matter meal meaning measure meat media medicine meeting member memory message metal method
middle mind minister minute mirror mission mistake mixture model moment money month mood
morning mother motor mountain mouse mouth movement movie museum music nation nature
negotiation neighbour network news newspaper night noise note notice novel number nurse
object occasion office officer oil operation opinion opportunity option orange order
organization outcome owner package page pain painting pair paper parent park part partner
party passage passenger  path patient pattern payment peace pen pension people
percentage period permission person perspective phase philosophy phone photo piano picture
piece pitch place plan plane plant plate platform player pleasure pocket poem poet point
police policy politics pollution pool population port position possession possibility post
potato power practice preference preparation presence president press pressure price pride
priest principle priority prison problem procedure process  product profession
professor profit program progress project promise property proposal protection protest
pub public purpose quality quantity queen question rain range rate ratio reaction reader
reality reason recipe recognition recommendation record recording reflection region
relation relationship release reporter republic reputation request research resident
resolution resource response responsibility rest restaurant result review revolution
reward rice river road rock role roof room route rule safety salad salary sale sample
satisfaction scale scene schedule scheme school science score screen sea season seat
secret secretary section sector security selection sense series service session setting
shape share shelf shift ship shirt shock shop shopping shore side sign signal signature
silver singer sister site situation size skill sky society software soil soldier solution
song sound source space speaker speech spirit sport spring square staff stage standard
star state statement station status step stock stomach stone store storm story strategy
street strength stress structure student studio study style subject success sugar summer
sun supermarket supply support surface surgery surprise survey system table tale target
task taste tax tea teacher teaching team technology telephone television temperature
tennis tension term test text theatre theme theory thing thought ticket time title topic
tour tower town track trade tradition traffic train training transition transport travel
treatment tree trend trial trip trouble truck trust truth tune union unit university user
valley value variety vehicle version video view village violence visit visitor voice
volume vote wage walk wall war warning water wave way weakness wealth weather website
wedding week weekend weight welfare  wife  wind window wine winner winter wish
woman wood word work worker world writer writing yard year youth zone cafe café facade
"""

PLURAL_ONLY = {"news", "people", "police", "politics", "physics", "mathematics"}
MASS_NOUNS = {
    "access", "advice", "chemistry", "equipment", "evidence", "freedom", "health",
    "housing", "importance", "independence", "inflation", "information", "knowledge",
    "literature", "love", "money", "music", "news", "pollution", "research", "safety",
    "satisfaction", "software", "traffic", "violence", "welfare", "wealth", "weather",
    "biodiversity", "bread", "butter", "carbon", "conservation", "cuisine", "data",
    "encryption", "fairness", "fitness", "garlic", "growth", "hardware", "homework",
    "literacy", "luggage", "morality", "nutrition", "rainfall", "recycling", "revenue",
    "rhetoric", "rice", "sugar", "tuition", "wildlife",
}  # fmt: skip
IRREGULAR_PLURALS = {
    "analysis": "analyses", "child": "children", "crisis": "crises", "foot": "feet",
    "knife": "knives", "leaf": "leaves", "life": "lives", "man": "men", "mouse": "mice",
    "person": "people", "shelf": "shelves", "wife": "wives", "woman": "women",
    "thesis": "theses", "half": "halves", "potato": "potatoes", "hero": "heroes",
    "tomato": "tomatoes", "volcano": "volcanoes",
}  # fmt: skip

VERBS = """
accept achieve acquire add admit adopt advise affect afford agree aim allow announce
answer appear apply appoint approve argue arrange arrive ask assess assume attach attack
attempt attend attract avoid bake balance ban bear beat become begin believe belong bend
bet bind bite blow boil book borrow bother break bring build burn buy calculate call carry
catch cause celebrate challenge change charge chase check choose claim clean clear climb
close collect combine come commit compare compete complain complete concentrate concern
confirm connect consider consist contain continue contribute control convert convince cook
cope copy correct cost count cover crash create cross cry cut damage dance deal debate
decide declare decline deliver demand deny depend describe deserve design destroy develop
die dig discover discuss dismiss display divide do draw dream dress drink drive drop earn
eat educate elect eliminate emerge employ enable encourage end enjoy ensure enter escape
establish estimate examine exist expand expect explain explore express extend face fail
fall feed feel fight fill find finish fit fix fly focus fold follow forget forgive form
freeze gain gather generate get give go grab grow guarantee guess handle hang happen
hate hear help hide hit hold hope hurt identify ignore imagine improve include increase
indicate influence inform insist install intend introduce invest invite involve join judge
jump justify keep kick kill knock know land last laugh launch lay lead lean learn leave
lend let lie lift like limit link listen live look lose love maintain make manage mark
marry match matter mean measure meet mention mind miss mix move need negotiate note notice
obtain occur offer open operate order organize overcome owe own paint pass pay perform
permit persuade pick place plan plant play point possess pour prefer prepare present
preserve press prevent print produce promise propose protect prove provide publish pull
punish purchase push put qualify question race raise reach read realize receive recognize
recommend record recover reduce refer reflect refuse regard reject relax release rely
remain remember remove repair repeat replace reply report represent request require
rescue resist resolve respond rest restore retain retire return reveal review ride ring
rise risk roll rule run rush satisfy save say search see seek select sell send separate
serve set settle shake shape share shift shine shoot shop show shut sing sink sit sleep
slide slip smile solve sort sound speak spend split spread stand start state stay steal
step stick stop store strike study submit succeed suffer suggest supply support suppose
surprise survive suspect swim switch take talk taste teach tear tell tend test thank think
threaten throw touch train transfer travel treat trust try turn understand undergo unite
update urge use value visit vote wait wake walk want warn wash waste watch wear weigh
welcome win wish wonder work worry write
"""

IRREGULAR_VERBS = {
    "bear": ("bore", "borne"), "beat": ("beat", "beaten"), "become": ("became", "become"),
    "begin": ("began", "begun"), "bend": ("bent", "bent"), "bet": ("bet", "bet"),
    "bind": ("bound", "bound"), "bite": ("bit", "bitten"), "blow": ("blew", "blown"),
    "break": ("broke", "broken"), "bring": ("brought", "brought"),
    "build": ("built", "built"), "burn": ("burnt", "burnt"), "buy": ("bought", "bought"),
    "catch": ("caught", "caught"), "choose": ("chose", "chosen"), "come": ("came", "come"),
    "cost": ("cost", "cost"), "cut": ("cut", "cut"), "deal": ("dealt", "dealt"),
    "dig": ("dug", "dug"), "do": ("did", "done"), "draw": ("drew", "drawn"),
    "dream": ("dreamt", "dreamt"), "drink": ("drank", "drunk"),
    "drive": ("drove", "driven"), "eat": ("ate", "eaten"), "fall": ("fell", "fallen"),
    "feed": ("fed", "fed"), "feel": ("felt", "felt"), "fight": ("fought", "fought"),
    "find": ("found", "found"), "fly": ("flew", "flown"), "forget": ("forgot", "forgotten"),
    "forgive": ("forgave", "forgiven"), "freeze": ("froze", "frozen"),
    "get": ("got", "got"), "give": ("gave", "given"), "go": ("went", "gone"),
    "grow": ("grew", "grown"), "hang": ("hung", "hung"), "hear": ("heard", "heard"),
    "hide": ("hid", "hidden"), "hit": ("hit", "hit"), "hold": ("held", "held"),
    "hurt": ("hurt", "hurt"), "keep": ("kept", "kept"), "know": ("knew", "known"),
    "lay": ("laid", "laid"), "lead": ("led", "led"), "lean": ("leant", "leant"),
    "leave": ("left", "left"), "lend": ("lent", "lent"), "let": ("let", "let"),
    "lie": ("lay", "lain"), "lose": ("lost", "lost"), "make": ("made", "made"),
    "mean": ("meant", "meant"), "meet": ("met", "met"), "overcome": ("overcame", "overcome"),
    "pay": ("paid", "paid"), "put": ("put", "put"), "read": ("read", "read"),
    "ride": ("rode", "ridden"), "ring": ("rang", "rung"), "rise": ("rose", "risen"),
    "run": ("ran", "run"), "say": ("said", "said"), "see": ("saw", "seen"),
    "seek": ("sought", "sought"), "sell": ("sold", "sold"), "send": ("sent", "sent"),
    "set": ("set", "set"), "shake": ("shook", "shaken"), "shine": ("shone", "shone"),
    "shoot": ("shot", "shot"), "show": ("showed", "shown"), "shut": ("shut", "shut"),
    "sing": ("sang", "sung"), "sink": ("sank", "sunk"), "sit": ("sat", "sat"),
    "sleep": ("slept", "slept"), "slide": ("slid", "slid"), "speak": ("spoke", "spoken"),
    "spend": ("spent", "spent"), "split": ("split", "split"),
    "spread": ("spread", "spread"), "stand": ("stood", "stood"),
    "steal": ("stole", "stolen"), "stick": ("stuck", "stuck"),
    "strike": ("struck", "struck"), "swim": ("swam", "swum"), "take": ("took", "taken"),
    "teach": ("taught", "taught"), "tear": ("tore", "torn"), "tell": ("told", "told"),
    "think": ("thought", "thought"), "throw": ("threw", "thrown"),
    "understand": ("understood", "understood"), "undergo": ("underwent", "undergone"),
    "wake": ("woke", "woken"), "wear": ("wore", "worn"), "win": ("won", "won"),
    "write": ("wrote", "written"),
}  # fmt: skip
# Verbs whose last consonant doubles: "run" -> "running", "stop" -> "stopped".
DOUBLING_VERBS = {
    "admit", "ban", "begin", "bet", "commit", "control", "cut", "dig", "drop", "forget",
    "get", "grab", "hit", "let", "occur", "permit", "plan", "prefer", "put", "refer", "run",
    "set", "shop", "shut", "sit", "slip", "split", "step", "stop", "submit", "swim", "win",
}  # fmt: skip

ADJECTIVES = """
able academic active actual additional administrative adult afraid alternative ancient
angry annual anxious apparent appropriate asleep attractive available average aware bad
basic beautiful big bitter blank blind blue bold boring brave brief bright brilliant broad
brown busy calm capable careful central certain cheap chemical chief civil classic clean
clear clever close cold comfortable commercial common competitive complete complex
confident conscious conservative considerable constant contemporary cool correct creative
critical crucial cultural curious current dangerous dark dead dear decent deep definite
democratic dense different difficult digital direct dirty distant distinct domestic
dramatic dry due early eastern easy economic educational effective efficient elderly
electric electronic empty entire environmental equal essential ethnic even eventual evident
exact excellent exciting existing expensive experienced external extra extraordinary fair
familiar famous far fast fat federal female final financial fine firm fit flat flexible
foreign formal former fortunate free frequent fresh friendly full fundamental funny
general generous gentle genuine global golden good grand grateful great green grey guilty
happy hard healthy heavy helpful hidden high historic holy honest hot huge human hungry
ideal illegal immediate important impossible impressive independent individual industrial
informal initial inner innocent intense interesting internal international key kind large
late latter leading legal liberal light likely limited literary little live local lonely
long loose loud lovely low loyal lucky magic main major male mental mere middle mild
military minor mobile modern moral narrow national natural naïve naive near neat necessary
negative nervous new nice noble normal northern notable obvious odd official old open
opposite ordinary organic original other outer overall own pale parallel particular past
patient peaceful perfect permanent personal physical plain pleasant plenty polite
political poor popular positive possible powerful practical precious pregnant present
pretty previous primary private professional proper proud public pure quick quiet rapid
rare raw ready real reasonable recent regional regular relevant reliable religious remote
responsible rich right rough round royal rural sad safe scientific secondary secret secure
senior sensible separate serious severe sharp short significant silent similar simple
single slight slow small smart smooth social soft solid southern special specific stable
standard steady steep strange strict strong structural stupid subtle successful sudden
sufficient suitable sunny super sure sweet tall technical temporary terrible thick thin
tight tiny total tough traditional tropical true typical ugly unable unfair unique united
unknown unlikely unusual upper urban useful usual valuable various vast visible vital
vulnerable warm weak wealthy weekly western wet white whole wide wild wise wooden young
"""

ADVERBS = """
quickly slowly carefully quietly openly suddenly finally recently rarely often sometimes
usually always never already still soon later again almost nearly simply clearly really
certainly probably perhaps largely mostly partly fully widely deeply closely directly
easily gradually frankly honestly briefly firmly freely gently happily heavily highly
increasingly locally mainly merely naturally particularly personally politely proudly
rapidly readily regularly roughly seriously sharply slightly smoothly steadily strongly
surely together twice yesterday today tomorrow abroad ahead anyway elsewhere meanwhile
instead otherwise therefore however nonetheless indeed
"""

PREPOSITIONS = """
about above across after against along among around at before behind below beneath beside
between beyond by during for from inside into near of off on onto outside over past
through throughout toward towards under underneath until upon with within without
"""

FIRST_NAMES = """
Ada Alan Amara Ana Anders Aoife Ben Carmen Chen Chloe Daniel Dara Elena Emma Farah Felix
Grace Hannah Hugo Ines Isaac Ivan Jamal James Jana Joon Karim Kate Kofi Lars Leila Liam
Lucia Maya Mei Mohammed Nadia Nina Noah Olga Omar Priya Rafael Rosa Ruth Sam Sara Sofia
Tariq Tomas Uma Victor Yara Yusuf Zoe Zoë Renée José
"""

SURNAMES = """
Abara Baker Bauer Castro Chen Costa Dahl Diaz Evans Fischer Garcia Gupta Hansen Ito Jensen
Kaur Khan Kim Kowalski Larsen Lopez Martin Mendes Moreau Müller Nakamura Novak Nowak
Okafor Olsen Park Patel Pereira Quinn Reyes Rossi Santos Schmidt Silva Singh Smith Suzuki
Tanaka Torres Walsh Weber Wilson Yilmaz Zhang Brontë Núñez
"""

PLACES = """
Larkfield Ashford Brookhaven Carrow Dunmore Eastwick Fernley Glenmoor Harrowgate Ivybridge
Kingsmere Lowbury Marsden Northam Oakridge Penwick Queensbury Redhill Saltmarsh Thornbury
Upton Westerly Yarrowby Zennor Montréal Zürich Málaga Kraków São-Paulo Lisbon Oslo Dublin
Lagos Nairobi Seoul Osaka Lyon Porto Bergen
"""

# Twelve sections, each with words that show up more often in its own posts.
CATEGORIES = {
    "Politics": (
        "Elections, councils, parliaments and the people who run for them.",
        """ballot candidate coalition constituency councillor debate democracy election
        government legislation manifesto minister mayor motion opposition parliament party
        policy poll referendum reform senator speaker vote voter campaign budget committee
        amendment treaty diplomat embassy cabinet lobbyist""",
    ),
    "Science": (
        "Discoveries, experiments and the researchers behind them.",
        """atom bacteria cell chemist climate comet data discovery quasar enzyme experiment
        fossil galaxy gene genome hypothesis laboratory microscope molecule neutron orbit
        particle physicist planet protein researcher sample species telescope theory vaccine
        virus volcano""",
    ),
    "Technology": (
        "Software, hardware and the companies that make them.",
        """algorithm app battery browser chip cloud code computer database developer device
        encryption engineer framework gadget hardware internet laptop network processor
        robot router server smartphone software startup update user website server password
        keyboard""",
    ),
    "Business": (
        "Markets, companies, jobs and money.",
        """bank bond brand budget buyer company competitor consumer contract customer deal
        dividend economy employer entrepreneur export factory firm growth investor invoice
        market merger profit retailer revenue salary shareholder startup supplier tariff
        trader""",
    ),
    "Culture": (
        "Books, music, film, art and the people who make them.",
        """actor album artist audience author ballet band book cinema concert dancer
        director exhibition festival film gallery musician novel opera orchestra painter
        painting play poem poet portrait premiere sculpture singer song theatre""",
    ),
    "Sport": (
        "Matches, seasons, athletes and the clubs they play for.",
        """athlete ball championship club coach competition cup cyclist defender fan
        final goal goalkeeper league marathon match medal player race referee runner season
        squad stadium striker swimmer team tournament trophy victory""",
    ),
    "Health": (
        "Medicine, hospitals, diet and wellbeing.",
        """ambulance clinic diagnosis diet disease doctor exercise fitness hospital illness
        infection injury medicine nurse nutrition pandemic patient pharmacy physician
        prescription recovery sleep surgeon surgery symptom therapy treatment vaccine vitamin
        ward""",
    ),
    "Environment": (
        "Climate, wildlife, energy and the places we share.",
        """biodiversity carbon climate coast conservation drought emission energy flood
        forest fuel glacier habitat heatwave meadow ocean pollution rainfall recycling river
        species storm turbine wetland wildlife wind woodland reef soil""",
    ),
    "Education": (
        "Schools, universities, teachers and learners.",
        """apprentice campus classroom course curriculum degree diploma exam graduate
        headteacher homework lecture lecturer lesson library literacy pupil professor
        qualification scholarship school semester student syllabus teacher textbook thesis
        tuition tutor university""",
    ),
    "Travel": (
        "Journeys, places, trains, planes and where to stay.",
        """airline airport backpack beach border cabin coastline cruise destination ferry
        flight guidebook harbour hiker holiday hostel hotel island itinerary journey luggage
        map museum passport railway resort route suitcase tourist trail voyage""",
    ),
    "Food": (
        "Cooking, restaurants, recipes and what we eat.",
        """apple bakery bread butter café cafe cheese chef chocolate coffee cook cuisine
        dessert dinner flavour garlic harvest kitchen lunch market menu noodle orchard
        pastry recipe restaurant salad sauce soup spice tomato vegetable""",
    ),
    "Opinion": (
        "Columns, letters and arguments from our writers and readers.",
        """argument assumption belief column columnist conscience critic doubt editorial
        evidence fairness freedom judgment letter morality myth objection opinion perspective
        principle prejudice reader reason rhetoric sceptic tradition truth value view""",
    ),
}

CATEGORY_NAMES = list(CATEGORIES)

TAG_WORDS = """
Affordable Housing; AI; AI Security; Air Quality; Archaeology; Architecture; Astronomy;
Athletics; Banking; Basketball; Biodiversity; Books; Budget; Buses; Canals; Careers;
Charity; Chess; Childcare; Cinema; Civil Rights; Climate Change; Coastline; Coffee; Comedy;
Community; Composting; Construction; Courts; Cricket; Crime; Cycling; Dance; Data;
Democracy; Design; Diplomacy; Disability; Drought; Economy; Elections; Electric Cars;
Employment; Energy; Exams; Farming; Fashion; Festivals; Film; Finance; Fishing; Flooding;
Football; Forests; Gardening; Genetics; Geology; Hiking; History; Hospitals; Housing;
Immigration; Inflation; Infrastructure; Insurance; Jazz; Journalism; Languages;
Libraries; Local Government; Machine Learning; Markets; Mental Health; Migration;
Museums; Music; Nature; Nutrition; Oceans; Open Data; Open Source; Opera; Parenting;
Parks; Pensions; Photography; Physics; Podcasts; Poetry; Police; Pollution; Privacy;
Public Health; Public Transport; Railways; Recycling; Renewables; Research; Restaurants;
Retail; Rivers; Robotics; Rugby; Running; Rural Life; Schools; Science Policy; Security;
Small Business; Social Media; Software; Solar Power; Space; Startups; Streaming; Students;
Swimming; Taxes; Technology; Tennis; Theatre; Tourism; Trade; Traffic; Trains;
Universities; Urban Planning; Vaccines; Volunteering; Water; Weather; Wildlife; Wind Power;
Wine; Women in Science; Writing; Youth; Café Culture; Zürich; Crème Brûlée; Naïve Art
"""

# Combined with the categories' words for the tags beyond the named ones: "Local Elections".
TAG_ADJECTIVES = """
Local Global National Regional Urban Rural Public Digital Modern Future Green Open Young
Small Community Independent Family International Weekend Winter Summer Student Healthy
"""

AUTHORS = (
    ("amara.okafor", "Amara", "Okafor"),
    ("lars.jensen", "Lars", "Jensen"),
    ("priya.patel", "Priya", "Patel"),
    ("jose.nunez", "José", "Núñez"),
    ("grace.walsh", "Grace", "Walsh"),
)


def _plural(noun: str) -> str:
    if noun in PLURAL_ONLY or noun in MASS_NOUNS:
        return noun
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun.endswith("is"):  # "analysis", "diagnosis"
        return noun[:-2] + "es"
    if noun.endswith("man"):
        return noun[:-3] + "men"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _verb_forms(verb: str) -> tuple[str, str, str, str, str]:
    """(base, third person, past, participle, -ing): "run", "runs", "ran", "run", "running"."""
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        third = verb + "es"
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        third = verb[:-1] + "ies"
    else:
        third = verb + "s"
    if verb.endswith("ie"):
        ing = verb[:-2] + "ying"
    elif verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and verb != "be":
        ing = verb[:-1] + "ing"
    elif verb in DOUBLING_VERBS:
        ing = verb + verb[-1] + "ing"
    else:
        ing = verb + "ing"
    if verb in IRREGULAR_VERBS:
        past, participle = IRREGULAR_VERBS[verb]
    else:
        if verb.endswith("e"):
            past = verb + "d"
        elif verb.endswith("y") and verb[-2] not in "aeiou":
            past = verb[:-1] + "ied"
        elif verb in DOUBLING_VERBS:
            past = verb + verb[-1] + "ed"
        else:
            past = verb + "ed"
        participle = past
    return verb, third, past, participle, ing


def _article(word: str) -> str:
    if word.startswith(("hour", "honest", "honour")):
        return "an"
    return "an" if word[0] in "aeiou" and not word.startswith(("uni", "use", "usu", "one")) else "a"


class Vocabulary:
    """Word lists with their inflections, built once per run."""

    def __init__(self):
        nouns = NOUNS.split()
        self.count_nouns = [n for n in nouns if n not in MASS_NOUNS and n not in PLURAL_ONLY]
        self.all_nouns = nouns
        self.verbs = [_verb_forms(v) for v in VERBS.split()]
        self.adjectives = ADJECTIVES.split()
        self.adverbs = ADVERBS.split()
        self.prepositions = PREPOSITIONS.split()
        self.first_names = FIRST_NAMES.split()
        self.surnames = SURNAMES.split()
        self.places = [p.replace("-", " ") for p in PLACES.split()]
        self.topics = {name: words.split() for name, (_, words) in CATEGORIES.items()}
        self.countable_topics = {
            name: [word for word in words if word not in MASS_NOUNS]
            for name, words in self.topics.items()
        }
        topic_words = [word for words in self.topics.values() for word in words]
        self.plurals = {noun: _plural(noun) for noun in nouns + topic_words}

    def word_count(self) -> int:
        """How many distinct word forms the generator can write."""
        forms = set(self.all_nouns) | set(self.plurals.values()) | set(self.adjectives)
        forms |= {form for verb in self.verbs for form in verb} | set(self.adverbs)
        forms |= {word for topic in self.topics.values() for word in topic}
        return len(forms)


# Text ----------------------------------------------------------------------------------------

# Sentence templates. Slots: S/P = singular/plural subject; V, V3, VD, VN, VG = verb base,
# third person, past, participle and -ing form; N, NP = object noun phrase (singular/plural);
# A = adjective, D = adverb, R = preposition, X = name, L = place, T = topic noun, M = number.
SENTENCES = [
    "{S} {VD} {N} {R} {N}.",
    "{S} {V3} {N} {D}.",
    "{P} {V} {NP} {R} {L}.",
    "According to {X}, {S} {VD} {N} because {P} were {VG} {D}.",
    "{X} said that {S} had {VN} {N} {R} {N}.",
    "It is {A} to {V} {N} when {P} are {VG} {R} {N}.",
    "In {L}, {M} {T_pl} {VD} {R} {N} last {period}.",
    "{P} have been {VG} {NP} for {M} {period}s, and {S} {V3} {D}.",
    "The {T} {VD} {D}, but {P} {VD} {N} {R} {N}.",
    "Why would {P} {V} {NP} {R} {N}?",
    "{X} {VD} that the {A} {T} would {V} {N}.",
    "{S} is {VG} {N}, {X} told {L} reporters.",
    "Many {T_pl} {V} {NP} {D}, while others {V} {N}.",
    "{S} {VD} {R} {N} after {P} {VD} {N}.",
    "There are {M} {A} {T_pl} {R} {N} {R} {L}.",
    "If {S} {V3} {N}, {P} will {V} {NP}.",
    "{S} was {VN} {R} {N} {R} {N}.",
    "{X} has {D} {VN} {NP}, and {P} {VD} {NP_bare}.",
    "The {A} {T} {V3} {N} and {V3} {N} {R} {N}.",
    "{P} {VD} {N}; {S} {VD} {N} instead.",
    "Nobody {VD} {NP} {R} {L} until {S} {VD} {D}.",
    "{VG_cap} {N} is {A}, {X} said, but {VG} {NP} is {A}.",
    "At the {A} {N_bare} {R} {L}, {S} {VD} {M} {T_pl}.",
    "{S} {V3} {R} {N}, {VG} {NP} {R} {N}.",
    "Some {T_pl} {VD} {D}, {VG} {N} {R} {N}.",
    "When {S} {VD} {N}, {P} {VD} {D}.",
    "The question is whether {P} can {V} {NP} {R} {N}.",
    "{X} and {X} {VD} the {T} {R} {N} {R} {L}.",
    "Most {T_pl} {V} {NP_bare}, and {S} {V3} {N} {D}.",
    "Over {M} {period}s, {S} {VD} {NP}.",
]

HEADINGS = [
    "{A} {T_pl} and {N_bare}",
    "What the {T} means for {NP_bare}",
    "Why {P} {V} {D}",
    "The {A} {T}",
    "{VG_cap} {NP_bare}",
    "How {L} {VD} {N}",
    "{A} {N_bare} {R} {L}",
    "After the {T}",
    "The {T} in numbers",
    "What comes next",
    "{X} on {NP_bare}",
]

TITLES = [
    "{S} {V3} {N} {R} {L}",
    "{X} {V3} {A} {T} {R} {N}",
    "Why {P} {V} {NP_bare}",
    "{L} {V3} {M} {A} {T_pl}",
    "How {S} {VD} {N}",
    "{A} {T_pl} {V} {N} {R} {L}",
    "The {A} {T} that {VD} {N}",
    "{P} {V} {NP} as {T_pl} {V} {D}",
    "{VG_cap} {A} {NP_bare}: {X} {R} the {T}",
    "What {S} {V3} about {NP_bare}",
    "{M} {T_pl} {VD} {R} {L} last {period}",
]

BULLET_ITEMS = [
    "{A} {NP_bare} {R} {N}",
    "{VG_cap} {N} {D}",
    "the {T} {R} {L}",
    "{M} {A} {T_pl}",
    "{X}'s {N_bare} {R} the {T}",
    "{NP_bare} that {V} {D}",
]

SLOT = re.compile(r"\{(\w+)\}")
NUMBERS = (
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty",
    "thirty", "forty", "fifty", "hundred",
)  # fmt: skip
PERIODS = ("day", "week", "month", "year", "decade", "season", "summer", "winter")
DETERMINERS_S = ("the", "the", "the", "this", "that", "every", "our", "their", "one")
DETERMINERS_P = ("the", "the", "many", "some", "most", "these", "those", "our", "their", "few")
PRONOUNS_P = ("they", "we", "you", "people", "residents", "officials", "critics", "experts")


def _compile(template: str) -> list:
    """A template as [literal, slot, literal, slot, ...] for quick filling."""
    return SLOT.split(template)


class Writer:
    """Fills templates from the vocabulary with one seeded random generator."""

    def __init__(self, rng: Random, vocabulary: Vocabulary):
        self.rng = rng
        self.v = vocabulary
        self.sentences = [_compile(t) for t in SENTENCES]
        self.headings = [_compile(t) for t in HEADINGS]
        self.titles = [_compile(t) for t in TITLES]
        self.bullets = [_compile(t) for t in BULLET_ITEMS]
        self.topic: list[str] = []
        self.countable_topic: list[str] = []
        self.fillers = {
            "S": self.subject,
            "P": self.plural_subject,
            "N": self.noun_phrase,
            "NP": self.plural_noun_phrase,
            "N_bare": lambda: self.maybe_adjective(self.choice(self.v.all_nouns)),
            "NP_bare": lambda: self.maybe_adjective(self.v.plurals[self.count_noun()]),
            "V": lambda: self.verb()[0],
            "V3": lambda: self.verb()[1],
            "VD": lambda: self.verb()[2],
            "VN": lambda: self.verb()[3],
            "VG": lambda: self.verb()[4],
            "VG_cap": lambda: self.verb()[4].capitalize(),
            "A": lambda: self.choice(self.v.adjectives),
            "D": lambda: self.choice(self.v.adverbs),
            "R": lambda: self.choice(self.v.prepositions),
            "X": self.name,
            "L": lambda: self.choice(self.v.places),
            "T": lambda: self.choice(self.topic),
            "T_pl": lambda: self.v.plurals[self.choice(self.countable_topic)],
            "M": lambda: self.choice(NUMBERS),
            "period": lambda: self.choice(PERIODS),
        }

    def choice(self, seq):
        return seq[int(self.rng.random() * len(seq))]

    def set_category(self, name: str) -> None:
        """Favour the words of this category's subject from now on."""
        self.topic = self.v.topics[name]
        self.countable_topic = self.v.countable_topics[name]

    def count_noun(self) -> str:
        if self.rng.random() < 0.3:
            return self.choice(self.countable_topic)
        return self.choice(self.v.count_nouns)

    def verb(self) -> tuple[str, str, str, str, str]:
        return self.choice(self.v.verbs)

    def maybe_adjective(self, noun: str) -> str:
        return f"{self.choice(self.v.adjectives)} {noun}" if self.rng.random() < 0.35 else noun

    def name(self) -> str:
        if self.rng.random() < 0.5:
            return f"{self.choice(self.v.first_names)} {self.choice(self.v.surnames)}"
        return self.choice(self.v.surnames)

    def subject(self) -> str:
        roll = self.rng.random()
        if roll < 0.15:
            return self.name()
        if roll < 0.25:
            return self.choice(("she", "he", "it"))
        noun = self.maybe_adjective(self.count_noun())
        if roll < 0.35:
            return f"{_article(noun)} {noun}"
        return f"{self.choice(DETERMINERS_S)} {noun}"

    def plural_subject(self) -> str:
        if self.rng.random() < 0.25:
            return self.choice(PRONOUNS_P)
        noun = self.maybe_adjective(self.v.plurals[self.count_noun()])
        return f"{self.choice(DETERMINERS_P)} {noun}"

    def noun_phrase(self) -> str:
        roll = self.rng.random()
        if roll < 0.2:
            noun = self.maybe_adjective(self.count_noun())
            return f"{_article(noun)} {noun}"
        noun = self.maybe_adjective(
            self.choice(self.v.all_nouns) if roll < 0.7 else self.count_noun()
        )
        return f"{self.choice(DETERMINERS_S)} {noun}"

    def plural_noun_phrase(self) -> str:
        noun = self.maybe_adjective(self.v.plurals[self.count_noun()])
        return f"{self.choice(DETERMINERS_P)} {noun}" if self.rng.random() < 0.6 else noun

    def fill(self, parts: list) -> str:
        out = parts[:]
        fillers = self.fillers
        for i in range(1, len(out), 2):
            out[i] = fillers[out[i]]()
        text = "".join(out)
        return text[0].upper() + text[1:]

    def sentence(self) -> str:
        return self.fill(self.choice(self.sentences))

    def title(self) -> str:
        while True:
            words = self.fill(self.choice(self.titles)).split()
            if 4 <= len(words) <= 10:
                return " ".join(words)

    def heading(self) -> str:
        return self.fill(self.choice(self.headings))

    def bullet(self) -> str:
        return self.fill(self.choice(self.bullets))

    def body(self, target_words: int) -> str:
        """Markdown of about `target_words` words (never more), with 2-5 "## " headings."""
        rng = self.rng
        sections = rng.randint(2, 5)
        # Words per section after the opening paragraphs; the opening gets a share too.
        per_section = target_words // (sections + 1)
        blocks: list[str] = []
        words = 0

        def paragraph(budget: int) -> int:
            sentences, used = [], 0
            for _ in range(rng.randint(3, 7)):
                sentence = self.sentence()
                n = sentence.count(" ") + 1
                if used + n > budget:
                    # Near the end of the budget: try a shorter sentence instead.
                    continue
                sentences.append(sentence)
                used += n
            if sentences:
                if rng.random() < 0.08:  # a phrase in bold
                    first = sentences[0].split(" ", 3)
                    if len(first) == 4:
                        sentences[0] = f"**{' '.join(first[:3])}** {first[3]}"
                blocks.append(" ".join(sentences))
            return used

        def fill_to(limit: int):
            nonlocal words
            while words < limit - 10:
                added = paragraph(limit - words)
                if not added:
                    break
                words += added

        fill_to(per_section)
        for index in range(sections):
            heading = self.heading()
            blocks.append(f"## {heading}")
            words += heading.count(" ") + 1
            if rng.random() < 0.3:
                lead = self.sentence()[:-1] + ":"
                items = [f"- {self.bullet()}" for _ in range(rng.randint(3, 6))]
                blocks.append(lead + "\n\n" + "\n".join(items))
                words += lead.count(" ") + 1 + sum(item.count(" ") for item in items)
            fill_to(per_section * (index + 2) if index < sections - 1 else target_words)
        return "\n\n".join(blocks) + "\n"


# Rendering -----------------------------------------------------------------------------------


class Plan(NamedTuple):
    """Everything about a post but its text."""

    category: int  # index into CATEGORY_NAMES
    author: int  # index into AUTHORS
    draft: bool
    age_seconds: float  # how long before the run's `now` it was published
    tags: tuple[int, ...]  # popularity ranks into tag_names()
    words: int  # the body's length to aim for


class SyntheticPost(NamedTuple):
    """One generated and rendered post, before it meets the database."""

    plan: Plan
    title: str
    body: str
    body_html: str
    excerpt: str
    reading_time: int


# Zipf-like popularity: the tag at rank r is chosen in proportion to 1 / r.
TAG_WEIGHTS = list(itertools.accumulate(1 / rank for rank in range(1, TAG_COUNT + 1)))
_writer: Writer | None = None


def _post_rng(seed: int, number: int) -> Random:
    # One generator a post, so a post comes out the same whatever the batch size or workers.
    return Random(f"{seed}:{number}")


def _plan(rng: Random) -> Plan:
    ranks: set[int] = set()
    wanted = rng.randint(1, 5)
    while len(ranks) < wanted:
        rank = bisect.bisect_left(TAG_WEIGHTS, rng.random() * TAG_WEIGHTS[-1])
        ranks.add(min(rank, TAG_COUNT - 1))
    return Plan(
        category=int(rng.random() * len(CATEGORY_NAMES)),
        author=int(rng.random() * len(AUTHORS)),
        draft=rng.random() < DRAFT_SHARE,
        # Dates count back from the start of today: a day's margin keeps them in five years.
        age_seconds=rng.uniform(60, (DAYS_BACK - 1) * 86_400),
        tags=tuple(sorted(ranks)),
        # Most posts run 600-1,200 words; a few approach the limits.
        words=int(rng.triangular(MIN_WORDS + 30, MAX_WORDS - 60, 800)),
    )


def plan_posts(seed: int, start: int, stop: int) -> list[Plan]:
    """The plans of posts number `start` to `stop - 1` of a run with this seed; cheap."""
    return [_plan(_post_rng(seed, number)) for number in range(start, stop)]


def write_posts(seed: int, start: int, stop: int) -> list[SyntheticPost]:
    """Posts number `start` to `stop - 1` of a run with this seed, rendered; no database."""
    global _writer
    if _writer is None:
        _writer = Writer(Random(), Vocabulary())
    writer = _writer
    posts = []
    for number in range(start, stop):
        rng = writer.rng = _post_rng(seed, number)
        plan = _plan(rng)
        writer.set_category(CATEGORY_NAMES[plan.category])
        title = writer.title()
        body = writer.body(plan.words)
        post = Post(title=title, body=body)
        post.render()
        posts.append(
            SyntheticPost(plan, title, body, post.body_html, post.excerpt, post.reading_time)
        )
    return posts


def _rendered_batches(
    seed: int, count: int, batch_size: int, workers: int
) -> Iterator[tuple[int, list[SyntheticPost]]]:
    """(start, posts) for each batch, in order; rendered by `workers` processes if above 1."""
    starts = range(0, count, batch_size)
    if workers <= 1:
        for start in starts:
            yield start, write_posts(seed, start, min(start + batch_size, count))
        return
    # Spawned, not forked: a child must not share the parent's database connections.
    # It sets Django up for Post.render() and never touches the database.
    with ProcessPoolExecutor(workers, get_context("spawn"), initializer=django.setup) as pool:
        pending = deque()
        for start in starts:
            pending.append(
                (start, pool.submit(write_posts, seed, start, min(start + batch_size, count)))
            )
            # A few batches ahead, no more: rendered posts wait in memory.
            if len(pending) > workers:
                start, future = pending.popleft()
                yield start, future.result()
        while pending:
            start, future = pending.popleft()
            yield start, future.result()


def default_workers(count: int) -> int:
    """One process per CPU (at most 8) for big runs; small ones render in this process."""
    if count < PARALLEL_FROM:
        return 1
    # The CPUs this process may use, where the system says, rather than the host's.
    affinity = getattr(os, "sched_getaffinity", None)
    cpus = len(affinity(0)) if affinity else os.cpu_count() or 1
    return max(1, min(cpus, 8))


# Database ------------------------------------------------------------------------------------


def ensure_categories() -> list[Category]:
    """The twelve synthetic categories, created where missing; existing ones are left alone."""
    categories = []
    for name, (description, _) in CATEGORIES.items():
        category = Category.objects.filter(name=name).first()
        if category is None:
            slug = slugify(name, allow_unicode=True)
            category = Category.objects.filter(slug=slug).first() or Category.objects.create(
                name=name, slug=slug, description=description
            )
        categories.append(category)
    return categories


def ensure_authors() -> list:
    User = get_user_model()
    authors = []
    for username, first_name, last_name in AUTHORS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                # An unusable password: nobody can log in as a synthetic author.
                "password": make_password(None),
            },
        )
        authors.append(user)
    return authors


def tag_names(count: int = TAG_COUNT) -> list[str]:
    """`count` distinct tag names, the most popular first; the same on every run."""
    rng = Random(0)
    names = [" ".join(name.split()) for name in TAG_WORDS.split(";")]
    topics = sorted({word for _, (_, words) in CATEGORIES.items() for word in words.split()})
    adjectives = TAG_ADJECTIVES.split()
    seen = {fold(name) for name in names}
    while len(names) < count:
        name = f"{rng.choice(adjectives)} {rng.choice(topics).capitalize()}"
        if fold(name) not in seen:
            seen.add(fold(name))
            names.append(name)
    names = names[:count]
    rng.shuffle(names)  # popularity should not follow the alphabet
    return names


def ensure_tags(names: list[str]) -> list[Tag]:
    """Tags for `names`, in the same order, bulk-creating those that no tag folds to."""
    wanted = {fold(name): name for name in names}
    existing = {tag.folded_name: tag for tag in Tag.objects.filter(folded_name__in=wanted)}
    missing = [name for name in names if fold(name) not in existing]
    if missing:
        taken = set(Tag.objects.values_list("slug", flat=True))
        new = []
        for name in missing:
            # Another tag may own the slug, say "open-source" for "Open-Source".
            base = slugify(name, allow_unicode=True) or "tag"
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            new.append(Tag(name=name, slug=slug, folded_name=fold(name)))
        Tag.objects.bulk_create(new)
        existing = {tag.folded_name: tag for tag in Tag.objects.filter(folded_name__in=wanted)}
    return [existing[fold(name)] for name in names]


# SQLite's page cache while loading posts, in KiB (the setting lasts as long as the connection).
BULK_CACHE_KIB = 256 * 1024


def _start_of_today() -> datetime:
    return timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)


def generate_posts(
    count: int,
    seed: int = 0,
    batch_size: int = 1000,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
    now: datetime | None = None,
    slug_token: str | None = None,
) -> int:
    """Create `count` synthetic posts and return how many were created.

    Categories, tags and authors are created first where missing. Posts are rendered with
    Post.render(), by `workers` processes (default: see default_workers), and written with
    bulk_create, one transaction per batch of `batch_size`, calling `progress(done, count)`
    after each. Publication dates lie in the five years before `now` (default: the start of
    today, UTC). Slugs end in `slug_token` (default: a random one) and the post's number in
    the run, so a second run adds posts beside the first.
    """
    if count <= 0:
        return 0
    batch_size = max(1, batch_size)
    if workers is None:
        workers = default_workers(count)
    now = now or _start_of_today()
    token = slug_token or secrets.token_hex(4)
    with transaction.atomic():
        categories = ensure_categories()
        authors = ensure_authors()
        tags = ensure_tags(tag_names())

    def as_post(number: int, made: SyntheticPost) -> Post:
        plan = made.plan
        base = slugify(made.title, allow_unicode=True)[:SLUG_BASE_LENGTH].strip("-") or "post"
        return Post(
            title=made.title,
            slug=f"{base}-{token}-{number}",
            body=made.body,
            body_html=made.body_html,
            excerpt=made.excerpt,
            reading_time=made.reading_time,
            category=categories[plan.category],
            author=authors[plan.author],
            status=Post.Status.DRAFT if plan.draft else Post.Status.PUBLISHED,
            published_at=None if plan.draft else now - timedelta(seconds=plan.age_seconds),
        )

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # FTS5 merges its index segments as they grow: with SQLite's default page cache
            # (2 MB), each merge reads the pages again from the file, and a load of 100,000
            # posts spent most of its time in those reads.
            cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    created = 0
    for start, batch in _rendered_batches(seed, count, batch_size, workers):
        posts = [as_post(start + i + 1, made) for i, made in enumerate(batch)]
        with transaction.atomic():
            Post.objects.bulk_create(posts, index=False)
            if any(post.pk is None for post in posts):
                # A database that returns no ids from a bulk insert: look them up.
                ids = dict(
                    Post.objects.filter(slug__in=[post.slug for post in posts]).values_list(
                        "slug", "pk"
                    )
                )
                for post in posts:
                    post.pk = ids[post.slug]
            # Every post gets at least one tag, and tagging in bulk indexes the tagged posts:
            # the posts are indexed once, with their tags.
            TaggedPost.objects.bulk_create(
                TaggedPost(tag=tags[rank], content_object=post)
                for post, made in zip(posts, batch, strict=True)
                for rank in made.plan.tags
            )
        created += len(posts)
        if progress:
            progress(created, count)
    compact_index()
    # Fresh statistics after a bulk load, or the planners guess from an empty table.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return created

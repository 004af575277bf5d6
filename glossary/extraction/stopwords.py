"""Word lists that decide where a candidate term may start, end and stand alone.

All entries are case folded, with straight apostrophes. The lists are kept
small and general (English function words, the fillers of unscripted speech,
nouns and verbs too vague to define in a glossary) so that they work on any
episode; none of them names anything specific to one episode.

- `STOPWORDS`: function words. A candidate never starts or ends with one;
  only the few `CONNECTORS` may stand inside ("philosophy of science",
  "reinforcement learning from human feedback").
- `FILLERS`: conversational words ("like", "kind", "yeah", "basically").
  A candidate never contains one anywhere: "kind of open" is not a term.
- `GENERIC_WORDS`: vague nouns, common verbs and evaluative adjectives
  ("people", "thing", "question", "make", "good"). A candidate never starts
  or ends with one in lower case, so "good infrastructure" and "open source
  people" are not proposed; capitalised inside a name they are fine
  ("New Deal").
- `TITLES`, the `*_ABBREVIATIONS`, `PLACEHOLDERS`: English honorifics,
  abbreviations whose period ends no sentence, and the placeholders
  transcription tools write for unnamed speakers.

Whether a word is a term of a field is not decided by a list here: that is
its rarity in general English (`scoring.zipf`, from wordfreq) and its use in
the show (`scoring`).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """
    a about above across after afterwards again against all almost alone along
    already also although always am among amongst an and another any anybody
    anyhow anyone anything anyway anywhere are aren't around as at be became
    because become becomes becoming been before beforehand behind being below
    beside besides between beyond both but by can can't cannot could couldn't
    did didn't do does doesn't doing don't done down during each either else
    elsewhere enough etc even ever every everybody everyone everything
    everywhere except few for former formerly from further had hadn't has hasn't
    have haven't having he he'd he'll he's hence her here here's hers herself
    him himself his how how's however i i'd i'll i'm i've ie if in indeed into
    is isn't it it'd it'll it's its itself just least less let's may me
    meanwhile might mightn't mine more moreover most mostly much must mustn't my
    myself namely neither never nevertheless next no nobody none noone nor not
    nothing now nowhere of off often on once one ones only onto or other others
    otherwise ought our ours ourselves out over own per perhaps please quite
    rather re same several shall shan't she she'd she'll she's should shouldn't
    since so some somebody somehow someone something sometime sometimes
    somewhere still such than that that'd that'll that's the their theirs them
    themselves then thence there there'd there'll there're there's thereafter
    thereby therefore therein these they they'd they'll they're they've this
    those though through throughout thru thus to together too toward towards
    under unless until unto up upon us very via was wasn't we we'd we'll we're
    we've were weren't what what'd what'll what're what's whatever when when's
    whence whenever where where's whereas whereby wherein whether which while
    whither who who'd who'll who's whoever whole whom whose why why's will with
    within without won't would wouldn't yet you you'd you'll you're you've your
    yours yourself yourselves 's s t d ll m re ve mr mrs ms dr st vs
    zero two three four five six seven eight nine ten eleven twelve twenty
    thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand
    thousands million millions billion billions trillion first second third
    half dozen
    """
)

# Function words allowed inside a phrase (at most one per candidate).
CONNECTORS = _words("of from for in on to by with")

FILLERS = _words(
    """
    like kind kinda sort sorta yeah yep yup yes no nope okay ok oh uh um umm uhm
    hmm ah huh hey hi hello bye goodbye wow whoa well right really just actually
    basically literally essentially honestly seriously totally pretty super
    probably maybe definitely certainly obviously clearly apparently frankly
    anyway anyways alright gonna wanna gotta gotten dunno lot lots bunch stuff
    thing things something anything everything nothing whatever whoever thanks
    thank please sorry amen cool awesome fine sure fun funny crazy weird dumb
    stupid hell heck damn fuck fucking shit shitty bullshit ass quote unquote
    et cetera etcetera blah mean means meant know knows knew known think thinks
    thought thinking guess guessing say says saying said tell telling told feel feels
    felt feeling suppose supposed mm mhm uh-huh la
    """
)

_NOUNS = """
    people person persons folk folks guy guys thing way ways time times lot
    point points question questions idea ideas reason reasons sense case cases
    part parts place places moment moments stuff word words answer answers
    example examples problem problems fact facts situation situations
    conversation conversations topic topics day days week weeks month months
    year years today tomorrow yesterday number numbers side sides end ends
    level levels kind type types sort bit bits piece pieces lot amount amounts
    matter matters deal detail details area areas aspect aspects issue issues
    job jobs hand hands head heads eye eyes mind minds life lives world
    everyone anybody someone somebody everybody stake stakes thought thoughts
    term terms name names phrase phrases sentence sentences line lines story
    stories talk talks discussion discussions regard regards respect terms
    context version versions step steps form forms order orders direction
    directions approach approaches attempt attempts effort efforts sake basis
    extent degree degrees difference differences position positions view views
    opinion opinions perspective perspectives experience experiences interest
    interests attention light start beginning middle rest whole half top bottom
    front back inside outside past future present gonna hour hours minute
    minutes second seconds moment episode episodes podcast show shows listener
    listeners guest guests host hosts man men woman women kid kids friend
    friends family home house room car road game games set group groups team
    teams member members list lists chance chances choice choices option options
    situation goal goals purpose purposes role roles thing means ones
    """

_VERBS = """
    be am is are was were been being have has had having do does did done doing
    go goes went gone going get gets got gotten getting make makes made making
    take takes took taken taking come comes came coming see sees saw seen seeing
    look looks looked looking want wants wanted wanting need needs needed
    needing use uses used using find finds found finding give gives gave given
    giving try tries tried trying ask asks asked asking call calls called
    calling seem seems seemed seeming keep keeps kept keeping let lets letting
    put puts putting begin begins began begun beginning start starts started
    starting help helps helped helping talk talks talked talking turn turns
    turned turning show shows showed shown showing hear hears heard hearing
    play plays played playing run runs ran running move moves moved moving
    live lives lived living believe believes believed believing hold holds held
    holding bring brings brought bringing happen happens happened happening
    write writes wrote written writing sit sits sat sitting stand stands stood
    standing lose loses lost losing pay pays paid paying meet meets met meeting
    include includes included including continue continues continued continuing
    change changes changed changing lead leads led leading understand
    understands understood understanding watch watches watched watching
    follow follows followed following stop stops stopped stopping create
    creates created creating speak speaks spoke spoken speaking read reads
    reading allow allows allowed allowing add adds added adding spend spends
    spent spending grow grows grew grown growing walk walks walked walking win
    wins won winning offer offers offered offering remember remembers
    remembered remembering love loves loved loving consider considers
    considered considering appear appears appeared appearing buy buys bought
    buying wait waits waited waiting die dies died dying send sends sent
    sending expect expects expected expecting stay stays stayed staying fall
    falls fell fallen falling cut cuts cutting reach reaches reached reaching
    remain remains remained remaining suggest suggests suggested suggesting
    raise raises raised raising pass passes passed passing require requires
    required requiring report reports reported reporting decide decides decided
    deciding pull pulls pulled pulling agree agrees agreed agreeing argue
    argues argued arguing care cares cared caring wonder wonders wondered
    wondering figure figures figured figuring matter mattered matters
    happen imagine imagines imagined imagining realize realizes realized
    realizing realise realises realised realising hope hopes hoped hoping
    mention mentions mentioned mentioning explain explains explained
    explaining describe describes described describing discuss discusses
    discussed discussing push pushes pushed pushing set sets setting
    build builds built building work works worked working leave leaves left
    leaving put become becomes became becoming get doing done deal deals dealt
    dealing check checks checked checking return returns returned returning
    emphasize emphasizes emphasized emphasizing emphasise accept accepts
    accepted accepting choose chooses chose chosen choosing enable enables
    enabled enabling engage engages engaged engaging exist exists existed
    existing matter release releases released releasing catch catches caught
    catching plug plugged land lands landed landing
    """

_ADJECTIVES_ADVERBS = """
    good better best bad worse worst great big bigger biggest small smaller
    little long longer short high higher low lower new newer old
    older different same similar important interesting hard harder easy easier
    clear real true false sure able possible impossible likely unlikely
    particular certain specific general whole entire main major minor simple
    nice cool useful useless right wrong fine okay huge tiny whole full empty
    next last previous early earlier late later recent current several various
    own able unable quick fast slow deep deeper broad broader wide wider
    enough most much many more less least few fewer lots kind sorry glad happy
    sad free open closed here there now then today still yet ever even also
    again ago away back far further rather quite almost already always often
    sometimes usually never maybe perhaps instead else anyway though although
    therefore however moreover otherwise somehow anti pro pre post non
    according missing valid
    """

VERBS = _words(_VERBS)
GENERIC_WORDS = _words(_NOUNS + _VERBS + _ADJECTIVES_ADVERBS) - {"open", "closed"}

# Titles said before a name ("Senator Warren", "Dr. Rath"): never part of a
# candidate and never one alone. English honorifics and offices, not a field's.
TITLES = _words(
    """
    mr mrs ms miss mx dr doctor prof professor sir dame lord lady senator sen
    congressman congresswoman congressperson representative rep chairman
    chairwoman chairperson chair governor gov mayor president vice secretary
    minister commissioner judge ambassador colonel col captain capt
    lieutenant lt sergeant sgt officer detective reverend rev rabbi pastor
    ranking member speaker
    """
)

# Abbreviations whose period does not end a sentence. The first group joins
# the next word into one name ("St. Paul", "Mt. Everest"); after a comma, a
# state's abbreviation joins the place before it ("Portland, Ore.").
NAME_ABBREVIATIONS = _words("st mt ft pt")
TITLE_ABBREVIATIONS = _words(
    "mr mrs ms mx dr prof sen rep gov gen col capt lt sgt rev jr sr vs etc inc "
    "co corp ltd no"
)
STATE_ABBREVIATIONS = _words(
    """
    ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich
    minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo
    """
)

# Speaker placeholders of transcription tools ("Speaker 2", "Unknown").
PLACEHOLDERS = _words(
    "speaker speakers unknown interviewer interviewee participant voice narrator"
)

# Lower-case words ending in "s" that are not plurals, and words ending in
# "ed" or "ly" that are nouns, not participles or adverbs.
NOT_PLURAL = _words(
    """
    bias gas canvas alias atlas lens news series species means chaos ethos
    thanks politics physics economics ethics semantics mathematics statistics
    analytics robotics linguistics logistics genomics apologetics aws gps
    process access class mass boss loss pass plus bus status census campus
    virus corpus consensus basis analysis thesis hypothesis crisis axis
    emphasis synthesis diagnosis paralysis this his its yes us
    """
)
ED_NOUNS = _words(
    "infrared hundred sacred hatred kindred need seed speed feed greed bed red "
    "shed bleed creed breed weed deed"
)
LY_NOUNS = _words(
    "monopoly monopolies oligopoly family supply apply reply ally rally italy "
    "anomaly assembly butterfly july fly belly jelly bully"
)

"""Which prompts are quantitative questions in words: text only, no model (the router's
``score`` must be cheap).

A word problem has prose (several words, not a bare expression), at least one quantity (a
number, a number word, a time or a date) and a question about a quantity ("how many", "how
much", "what is the total", "to 3 decimal places", "what time is it in Tokyo"). Requests to
write code, remember facts or search documents are other skills' questions; so is a question
of general knowledge that merely contains a year ("How many people lived in Paris in 1900?").
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(?<![A-Za-z])\d[\d,]*(?:\.\d+)?")
_NUMBER_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|dozen|half|twice|triple|double|quarter|"
    r"third)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d.,$])\b(?:1[5-9]\d\d|20\d\d)\b(?![\d.,%])")

# A question about a quantity.
_ASKS = re.compile(
    r"\bhow\s+(?:many|much|long|far|old|fast|tall|big|large|heavy|often|wide|deep|high)\b|"
    r"\bwhat(?:'s|s|\s+is|\s+was|\s+will|\s+would|\s+are|\s+were|\s+does|\s+did)\s+"
    r"(?:(?:the|her|his|their|its|an?|[A-Z][a-z]+'s)\s+)?(?:\d[\d.,]*\s*%\s*|\w+\s+)?"
    r"(?:tip|tax|discount|total|sum|average|mean|median|"
    r"difference|product|ratio|percentage|percent|area|volume|perimeter|circumference|"
    r"cost|price|value|amount|speed|rate|distance|number|result|probability|interest|"
    r"square root|cube root|remainder|profit|balance|change|weight|length|height|age|time|"
    r"temperature|fraction|percentage|score|income|salary|bill|size)\b|"
    r"\bwhat\s+(?:percent(?:age)?|fraction|time|day|date|year|temperature)\b|"
    r"\bwhich\s+(?:day|date|year)\b|\bwhen\s+will\b|"
    r"\b(?:calculate|compute|work out|figure out|find|determine|estimate|convert)\b|"
    r"\bdecimal places?\b|\bsignificant (?:digits|figures)\b|"
    r"\bin\s+(?:total|all)\b|\bhow\s+much\b",
    re.IGNORECASE,
)
# Words that make a quantity question arithmetic rather than a fact to look up.
_ARITH = re.compile(
    r"%|\$|€|£|\bper\b|\beach\b|\bevery\b|\btimes\b|\btwice\b|\bhalf\b|\bthird\b|\bquarter\b|"
    r"\bpercent|\btip\b|\binterest\b|\bdiscount|\btax\b|\bsale\b|\bprofit|\bsalary|\bwage|"
    r"\baverage\b|\bmean\b|\btotal\b|\bsum\b|\bleft\b|\bremain|\brest\b|\bmore than\b|"
    r"\bless than\b|\bfewer\b|\bmore\b|\bless\b|\bspend|\bspent|\bearn|\bsave|\bsaved\b|"
    r"\bcost|\bprice|\bpays?\b|\bpaid\b|\bbuys?\b|\bbought\b|\bsells?\b|\bsold\b|\bshare|"
    r"\bsplit|\bdivid|\bmultipl|\bconvert|\bminutes?\b|\bhours?\b|\bdays?\b|\bweeks?\b|"
    r"\bmonths?\b|\byears? old\b|\bmiles?\b|\bkm\b|\bkilomet|\bmet(?:er|re)s?\b|\bfeet\b|"
    r"\bfoot\b|\binch|\bpounds?\b|\bkg\b|\bkilogram|\bgrams?\b|\bounces?\b|\bliters?\b|"
    r"\blitres?\b|\bgallons?\b|\bcups?\b|\bspeed\b|\brate\b|\bmph\b|\bkm/h\b|\barea\b|"
    r"\bvolume\b|\bperimeter\b|\bradius\b|\bdiameter\b|\bcircumference\b|\bwidth\b|"
    r"\blength\b|\bheight\b|\bprimes?\b|\bfactorial\b|\bsquare root\b|\bdecimal places?\b|"
    r"\bbetween\b|\buntil\b|\bfrom\b.{1,40}\bto\b|\btime zone|\b(?:am|pm)\b|\d(?:am|pm)\b|"
    r"\d:\d\d|\bo'clock\b|\bcelsius\b|\bfahrenheit\b|\bdozen\b|\bapart\b|\btogether\b|"
    r"\bpieces?\b|\bslices?\b|\bboxes\b|\bpacks?\b|\bbags?\b|\brows?\b|\bpages?\b",
    re.IGNORECASE,
)
# Other skills' questions.
_OTHERS = re.compile(
    r"```|\b(?:python|javascript|typescript|bash|shell|regex|sql)\b|\bdef\s+\w+\(|"
    # "script", "program", "code" in a story ("a script for a skit", "a TV program", "a promo
    # code") are not requests for code; "write a script that ..." is
    r"\b(?:write|implement|create|generate|fix|debug|run|refactor|complete|test)\b[^.?!]{0,40}"
    r"\b(?:script|program|function|code|class|method)\b|"
    r"\b(?:remember|forget)\s+(?:that|this|my)\b|\b(?:my|our)\s+(?:documents?|files?|notes|"
    r"folders?|manual|pdf)\b|\bin\s+(?:the|my|this)\s+(?:document|manual|file|pdf|notes)\b|"
    r"\b(?:move|copy|rename|delete)\s+(?:the|my|all)\b",
    re.IGNORECASE,
)
# Requests for ideas, advice or opinions that merely hold numbers ("my sister turns 30 next week,
# any gift ideas under $50?"): unless the question is a clear quantity question, not ours.
_NOT_A_QUANTITY = re.compile(
    r"\b(?:ideas?|suggest\w*|recommend\w*|advice|advise|opinions?|what\s+do\s+you\s+think|"
    r"should\s+i|should\s+we|is\s+it\s+worth|any\s+tips|poem|haiku|story|joke|translate)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_MONTH = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
    re.IGNORECASE,
)
MAX_CHARS = 2000  # longer text is a document to read, not a word problem


def quantities(text: str) -> int:
    """How many quantities the text states (numbers that are not a bare year, number words)."""
    nums = [m.group() for m in _NUMBER.finditer(text)]
    years = {m.group() for m in _YEAR.finditer(text)}
    count = sum(1 for n in nums if n not in years)
    # A year next to a month is a date: a quantity of a date question.
    if years and _MONTH.search(text):
        count += len(years)
    return count + len(_NUMBER_WORDS.findall(text))


def word_problem_score(text: str) -> float:
    """0.8 for a clear quantitative question in words, 0.5-0.65 for a likely one, else 0.

    A bare expression the math skill parses scores 1.0 there and wins; a math-looking text it
    cannot parse scores 0.6 there, so a likely word problem scores just above that."""
    if len(text) > MAX_CHARS or _OTHERS.search(text):
        return 0.0
    words = _WORD.findall(text)
    if len(words) < 4:
        return 0.0  # a bare expression or a short command: the math skill's
    n = quantities(text)
    if n == 0:
        return 0.0
    asks = bool(_ASKS.search(text))
    arith = bool(_ARITH.search(text))
    if asks and arith and (n >= 2 or len(words) >= 8):
        return 0.8
    if _NOT_A_QUANTITY.search(text):
        return 0.0  # "any gift ideas under $50?", "should i put 15% into my 401k": advice
    if asks and (arith or n >= 2):
        return 0.65
    if arith and n >= 2 and text.rstrip().endswith("?"):
        return 0.5
    return 0.0

"""Step 6: forum chrome that survives into the text as whole lines, and lines a site repeats on many
of its pages.

Only whole lines are removed, and only lines that are nothing but chrome: "Reply" alone on a line
goes, "Reply to Bob's point about tyres" stays. Lines inside code are never looked at.

Two strengths: `CHROME_LINES` (buttons, notices, "Last edited ...") is safe in any post body;
`HEADER_LINES` (a user title or a date alone on a line) is only chrome in flattened dumps, where a
post's header was printed into the text; in a post body a date alone on a line is content.

Site-learned lines: the crawl store counts `line_keys(text)` per site; `strip_repeated_lines` drops
lines seen on more than `threshold` of the site's pages.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping

from normalize.fixlog import Context

_E = r"(?:\.\.\.|…)?"  # "Click to expand..." with or without the ellipsis
# Per language; each alternative must match a whole (stripped) line, case-insensitively.
CHROME = {
    "en": [
        r"forum list", r"forums?", r"click to (?:expand|shrink)" + _E, r"reply", r"quote", r"multi-?quote",
        r"reply with quote", r"like", r"likes?:?(?: \d+)?", r"share", r"report", r"report post", r"permalink",
        # "Last edited by X: DATE", "... on DATE" (phpBB), "...; DATE at TIME." (vBulletin), "... (DATE)" (FluxBB)
        r"last edited(?: by [^\n]{1,60}?)?(?:(?::| on|;) [^\n]{1,60}| \([^\n]{1,40}\))", r"last edited" + _E,
        r"you must log in or register to reply here\.?", r"similar threads", r"share this page",
        r"(?:this|our) (?:site|website) uses cookies[^\n]*", r"we use cookies[^\n]*", r"accept(?: all)? cookies",
        r"(?:got it|learn more)[.!]?", r"reactions?:[^\n]{0,200}", r"attachments?:?", r"view attachment [^\n]{1,80}",
        r"spoiler(?::[^\n]{0,60})?", r"show hidden low quality content", r"back to top", r"top",
        r"(?:log in|sign in|register|sign up)(?: or (?:log in|sign in|register|sign up))?",
        r"thread starter[^\n]{0,60}", r"start date[^\n]{0,60}", r"original poster", r"tap to expand" + _E,
        r"(?:prev|previous|next)(?: page)?", r"page \d+ of \d+", r"go to page",
        # mobile apps' footers: "Sent from my SM-S908U using Tapatalk", "Sent from my iPhone"
        r"sent from my [^\n]{1,60}?(?: using [^\n]{1,40})?", r"posted (?:via|from) [^\n]{1,40} (?:app|mobile)",
    ],
    "de": [
        r"forenübersicht", r"foren", r"zum erweitern klicken" + _E, r"antworten", r"zitieren", r"gefällt mir",
        r"teilen", r"melden", r"zuletzt bearbeitet(?: von [^\n]{1,60})?: [^\n]{1,60}",
        r"du musst dich (?:einloggen|anmelden) oder registrieren, um hier zu antworten\.?", r"ähnliche themen",
        r"diese (?:seite|website) verwendet cookies[^\n]*", r"wir verwenden cookies[^\n]*", r"nach oben",
        r"gesendet von meinem [^\n]{1,60}?(?: mit [^\n]{1,40})?",
    ],
    "fr": [
        r"liste des forums", r"cliquez pour (?:agrandir|développer)" + _E, r"répondre", r"citer", r"j'aime",
        r"partager", r"signaler", r"dernière (?:édition|modification)(?: par [^\n]{1,60})? ?: [^\n]{1,60}",
        r"vous devez vous connecter ou vous inscrire pour répondre ici\.?", r"sujets similaires",
        r"ce site utilise des cookies[^\n]*", r"nous utilisons des cookies[^\n]*", r"haut de page",
    ],
    "es": [
        r"lista de foros", r"haz clic para (?:expandir|ampliar)" + _E, r"clic para expandir" + _E, r"responder",
        r"citar", r"me gusta", r"compartir", r"reportar", r"denunciar",
        r"(?:última edición|editado por última vez)(?: por [^\n]{1,60})? ?: [^\n]{1,60}",
        r"debes (?:iniciar sesión|acceder) o registrarte para responder aquí\.?", r"temas similares",
        r"este sitio (?:web )?utiliza cookies[^\n]*", r"usamos cookies[^\n]*",
    ],
    "ru": [
        r"список форумов", r"форумы", r"нажмите,? для (?:раскрытия|развёртывания|развертывания)" + _E,
        r"ответить", r"цитировать", r"цитата", r"нравится", r"поделиться", r"пожаловаться",
        r"последнее редактирование(?: [^\n]{1,60})?: [^\n]{1,60}", r"вы должны (?:войти|авторизоваться) или "
        r"зарегистрироваться,? (?:чтобы|для того чтобы) (?:ответить|ответ)[^\n]{0,30}",
        r"похожие темы", r"(?:этот|наш) сайт использует (?:файлы )?cookie[^\n]*",
    ],
}


def _grouped(patterns: list[str]) -> str:
    """The patterns as one alternation, with those that start with the same letter behind it:
    `reply|report` becomes `r(?:eply|eport)`, so the regex engine tests a line's first letter
    once per letter, not once per pattern (twice as fast on the lines that are not chrome). The
    order of the alternatives changes, which does not matter to `fullmatch`."""
    groups: dict[str, list[str]] = {}
    alternatives = []
    for p in patterns:
        if p[0].isalpha() and p[1:2] not in ("?", "*", "+", "{") and not _has_top_level_choice(p):
            groups.setdefault(p[0], []).append(p[1:])
        else:
            alternatives.append(p)
    alternatives += [f"{letter}(?:{'|'.join(rests)})" for letter, rests in groups.items()]
    return "(?:" + "|".join(alternatives) + ")"


def _has_top_level_choice(pattern: str) -> bool:
    """Whether `pattern` has a | outside every group and character class."""
    depth, escaped, in_class = 0, False, False
    for c in pattern:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            return True
    return False


CHROME_LINES = re.compile(_grouped([p for ps in CHROME.values() for p in ps]) + r"\s*", re.I)

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember|"
    r"janv(?:ier)?|févr(?:ier)?|mars|avr(?:il)?|juin|juil(?:let)?|août|sept(?:embre)?|déc(?:embre)?|"
    r"ene(?:ro)?|abr(?:il)?|ago(?:sto)?|dic(?:iembre)?|enero|febrero|marzo|mayo|junio|julio|"
    r"septiembre|octubre|noviembre|янв\w*|фев\w*|мар\w*|апр\w*|ма[яй]|июн\w*|июл\w*|авг\w*|сен\w*|окт\w*|ноя\w*|дек\w*"
)
_TIME = r"(?:,?\s*(?:at|um|à|a las|в)?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)?"
DATE_LINE = re.compile(
    r"(?:posted:?\s*|joined:?\s*)?(?:"
    rf"(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # Dec 21, 2015
    rf"|\d{{1,2}}\.?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}"  # 21 Dec 2015, 21. Dezember 2015
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"  # 2015-12-21
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}"  # 21.12.2015, 12/21/2015
    r"|(?:today|yesterday|heute|gestern|aujourd'hui|hier|hoy|ayer|сегодня|вчера)"
    rf"){_TIME}|\d+\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago",
    re.I,
)
USER_TITLE_LINE = re.compile(
    r"(?:(?:gold|silver|bronze|platinum|diamond|senior|junior|new|active|well-known|elite|full|premium|"
    r"registered|valued|established|respected|super|banned|vip|honorary|lifetime|supporting|retired|"
    r"trusted|staff|forum|verified|distinguished|legendary|regular|neuer?|aktives?|nouveau|nuevo|"
    r"новичок|активный|старожил)\s+)+"
    r"(?:members?|users?|moderators?|posters?|contributors?|mitglied|benutzer|membre|miembro|участник|пользователь)"
    r"|moderator|administrator|admin|banned|newbie|guest|modérateur|moderador|модератор|администратор",
    re.I,
)


def _drop_lines(text: str, ctx: Context, match, kind: str) -> str:
    lines = text.split("\n")
    spans = ctx.protected_spans(text) if ctx.code else []
    out: list[str] = []
    pos = 0
    for line in lines:
        stripped = line.strip()
        protected = spans and any(s < pos + len(line) and e > pos for s, e in spans)
        if stripped and not protected and match(stripped):
            if pos + len(line) < len(text):
                ctx.record(kind, line + "\n", "", pos)
            else:  # the last line: the newline before it goes with it
                ctx.record(kind, "\n" + line if pos else line, "", max(pos - 1, 0))
        else:
            out.append(line)
        pos += len(line) + 1
    return "\n".join(out) if len(out) != len(lines) else text


def drop_chrome_lines(text: str, ctx: Context) -> str:
    """Remove lines that are only forum chrome: buttons (Reply, Quote, Like, Share, Report),
    "Click to expand...", "Last edited: ...", log-in prompts, cookie notices, "Similar threads",
    "Forum List", in en, de, fr, es, ru."""
    if not ctx.settings.drop_boilerplate:
        return text
    return _drop_lines(text, ctx, CHROME_LINES.fullmatch, "boilerplate")


def drop_header_lines(text: str, ctx: Context) -> str:
    """Remove a user title ("Gold Member") or a date ("Dec 21, 2015") standing alone on a line:
    chrome in a flattened dump (only run by `clean_text`)."""
    if not ctx.settings.drop_boilerplate:
        return text
    return _drop_lines(
        text, ctx, lambda s: USER_TITLE_LINE.fullmatch(s) or DATE_LINE.fullmatch(s), "boilerplate"
    )


_KEY_WS = re.compile(r"\s+")
_KEY_DIGITS = re.compile(r"\d+")


def line_key(line: str) -> str:
    """The key under which a line is counted: case-folded, whitespace collapsed, digits as "0"
    (so "Page 2 of 9" and "Page 3 of 9" count as one line)."""
    line = unicodedata.normalize("NFC", line).strip().casefold()
    return _KEY_DIGITS.sub("0", _KEY_WS.sub(" ", line))


def line_keys(text: str) -> Iterator[str]:
    """The distinct keys of a page's or post's lines, to be counted per site by the store.
    Lines longer than 200 characters are content, not chrome, and are not counted."""
    seen: set[str] = set()
    for line in text.split("\n"):
        if line.strip() and len(line) <= 200:
            key = line_key(line)
            if key not in seen:
                seen.add(key)
                yield key


def strip_repeated_lines(
    text: str,
    line_counts: Mapping[str, int],
    pages_seen: int,
    threshold: float = 0.3,
    min_pages: int = 20,
    ctx: Context | None = None,
) -> str:
    """Remove lines that the site shows on more than `threshold` of its pages (counts from
    `line_keys`). Nothing is removed before `min_pages` pages were seen: too few to tell chrome
    from a popular phrase."""
    if pages_seen < min_pages:
        return text
    ctx = ctx or Context()
    limit = threshold * pages_seen
    return _drop_lines(
        text, ctx, lambda s: len(s) <= 200 and line_counts.get(line_key(s), 0) > limit, "repeated_line"
    )

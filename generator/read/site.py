"""Read the organisation's set-up (the `statuspress` block of mkdocs.yml) into a Site."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from babel import Locale, UnknownLocaleError

from ..model import ID_PATTERN, Advice, Channel, Department, Group, Site
from .problems import Problems, did_you_mean, one_of


@lru_cache(maxsize=4)
def _composed(text: str) -> yaml.Node | None:
    # compose() resolves no tags, so !ENV and !!python/name do not stop it. Cached: each check
    # locates in the same file several times, and nothing changes the nodes. libyaml's composer
    # when there is one: for the bench's 127-line mkdocs.yml, 0.6 ms against 11 ms (best of 7).
    return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class _Locator:
    """Finds the line of a key inside the statuspress block, for error messages."""

    def __init__(self, config_file: Path | None):
        self.root = None
        if config_file and config_file.exists():
            try:
                self.root = _composed(config_file.read_text(encoding="utf-8"))
            except yaml.YAMLError:
                self.root = None

    def _block(self):
        node = self._get(self.root, "plugins")
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if isinstance(item, yaml.MappingNode):
                    found = self._get(item, "statuspress")
                    if found is not None:
                        return found
        if isinstance(node, yaml.MappingNode):
            return self._get(node, "statuspress")
        return None

    @staticmethod
    def _get(node, key, want_key=False):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == key:
                    return k if want_key else v
        return None

    def item_line(self, key: str, index: int) -> int:
        """The line of item `index` of the list under `key`."""
        node = self._get(self._block(), key)
        if isinstance(node, yaml.SequenceNode) and index < len(node.value):
            return node.value[index].start_mark.line + 1
        return self.line(key)

    def line(self, *keys) -> int:
        """The line of the innermost of `keys` that exists (of the key itself, not its value)."""
        node = self._block()
        best = node
        for key in keys:
            found = self._get(node, key, want_key=True)
            if found is None:
                break
            best, node = found, self._get(node, key)
        return best.start_mark.line + 1 if best is not None else 1


def config_line(config_file: Path, key: str) -> int | None:
    """The line of `key` in the statuspress block of `config_file`, or None when it is not there."""
    locate = _Locator(config_file)
    block = locate._block()
    found = locate._get(block, key, want_key=True)
    return found.start_mark.line + 1 if found is not None else None


def _block_keys() -> tuple[str, ...]:
    # The plugin's schema (mkdocs_yml.OPTIONS is tested against it), without loading MkDocs for it.
    from .mkdocs_yml import OPTIONS

    return tuple(OPTIONS) + ("enabled",)


SITE_URL_VARIABLE = "STATUSPRESS_SITE_URL"


class SiteUrlError(ValueError):
    """STATUSPRESS_SITE_URL is set to something that is not a site's address."""


def site_url_from_environment(configured: str | None, environ=None) -> str | None:
    """The address a build publishes at: STATUSPRESS_SITE_URL when set, else mkdocs.yml's `site_url`.

    One repository is published to several hosts (GitHub Pages, a mirror elsewhere), each at its
    own address: feeds, the API, canonical links and the calendar must name the host serving
    them, so each mirror's build sets the variable to its own address.
    """
    value = (os.environ if environ is None else environ).get(SITE_URL_VARIABLE, "").strip()
    if not value:
        return configured
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
        raise SiteUrlError(f"{SITE_URL_VARIABLE}={value!r} is not a site address: set it to a full address "
                           "such as https://status.example.org/ (or unset it to use mkdocs.yml's site_url)")
    return value if value.endswith("/") else value + "/"


def missing_site_url(site_url: str | None, config_file: Path | None) -> Problems:
    """A build without `site_url` gives feeds, the API and the calendar relative links that break."""
    problems = Problems()
    if not (site_url or "").strip():
        where = config_file or Path("mkdocs.yml")
        line = 1
        root = _Locator(config_file).root
        if root is not None:
            key = _Locator._get(root, "site_url", want_key=True)
            line = key.start_mark.line + 1 if key is not None else 1
        problems.add(where, line, "no 'site_url' in mkdocs.yml: feeds, the API and the calendar need the site's "
                                  "full address; add a line such as 'site_url: https://status.example.org/'")
    return problems


def _repository_git(folder: Path) -> Path | None:
    """The `.git` of the repository that holds `folder` (a folder, or a file in a worktree)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate / ".git"
    return None


def site_dir_problems(site_dir: str | Path, *, updates_dir: Path, docs_dir: str | Path | None,
                      config_file: Path | None) -> Problems:
    """A `site_dir` that is, holds or lies inside the updates folder, the docs folder or the
    repository's `.git`: a build replaces its site folder whole, so such a build deletes every
    statement (embargoed ones too), the hand-written pages or the repository. Seen: `mkdocs build
    --site-dir updates` exited 0 with no statement left. MkDocs refuses the docs folder itself;
    nothing refused the others."""
    problems = Problems()
    site = Path(site_dir).resolve()
    where = config_file or Path("mkdocs.yml")
    line = 1
    root = _Locator(config_file).root
    if root is not None:
        key = _Locator._get(root, "site_dir", want_key=True)
        line = key.start_mark.line + 1 if key is not None else (config_line(config_file, "updates_dir") or 1)
    folders = [("the updates folder", updates_dir, "every statement, embargoed ones included"),
               ("the docs folder", docs_dir, "the hand-written pages"),
               ("the repository's .git", _repository_git((config_file or updates_dir).resolve().parent),
                "the repository's history")]
    for name, folder, lost in folders:
        if folder is None:
            continue
        folder = Path(folder).resolve()
        if site == folder:
            how = "is"
        elif site.is_relative_to(folder):
            how = "lies inside"
        elif folder.is_relative_to(site):
            how = "contains"
        else:
            continue
        harm = (f"each build replaces the site folder whole, which would delete {lost}" if how != "lies inside"
                else f"each build would write the site among {lost}")
        problems.add(where, line, f"the site folder '{site}' (site_dir, or --site-dir) {how} {name} '{folder}': "
                                  f"{harm}; build into a folder of its own beside them, such as 'site' "
                                  "('site_dir: site' in mkdocs.yml)")
    return problems


def _names(value, languages, where, problems, config_file, line, required=True) -> dict[str, str]:
    if value is None and not required:
        return {}
    if isinstance(value, str):
        return {languages[0]: value}
    if not isinstance(value, dict) or not value:
        problems.add(config_file, line, f"{where} must give a text per language, such as "
                                        f"{{{languages[0]}: ...}}")
        return {}
    names = {}
    for lang, text in value.items():
        if lang not in languages:
            # Kept so that a language can be switched off and on again without editing every name.
            problems.add(config_file, line, f"{where} has a text for '{lang}', which is not one of the site's "
                                            f"languages ({one_of(languages)}); it is not shown", "warning")
            continue
        names[lang] = str(text)
    if required and languages[0] not in names:
        problems.add(config_file, line, f"{where} has no text in the default language '{languages[0]}': add one")
    return names


# A BCP 47 tag as sites use them: a language, then script, region or variant subtags. It is also a
# folder name (docs/<lang>/, <lang>/ in the site): nothing path-like ('/', '.', '..') can pass.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")


def language_problem(lang: str, require_catalog: bool = False) -> str | None:
    """What is wrong with `lang` as one of the site's languages, or None."""
    shown = lang.encode("unicode_escape").decode() if not lang.isprintable() else lang
    if not LANGUAGE_TAG.match(lang):
        return f"unknown language '{shown}': use a BCP 47 tag such as 'nl', 'fr' or 'pt-BR'"
    try:
        Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return f"unknown language '{shown}': use a BCP 47 tag such as 'nl', 'fr' or 'pt-BR'"
    if require_catalog and catalog_for(lang) is None:
        # The same rule as the site's `languages` (read_site): one answer to "is this language supported".
        return f"no interface translation for '{shown}': statuspress speaks {', '.join(interface_languages())}"
    return None


def read_site(options: dict, *, site_name: str, site_url: str | None, config_file: Path | None) -> tuple[Site | None, Problems]:
    """A Site from the plugin's options, and every problem in them."""
    problems = Problems()
    where = config_file or Path("mkdocs.yml")
    locate = _Locator(config_file)

    block = locate._block()
    if isinstance(block, yaml.MappingNode):
        allowed = _block_keys()
        for key_node, _ in block.value:
            key = getattr(key_node, "value", None)
            if key not in allowed:
                problems.add(where, key_node.start_mark.line + 1,
                             f"unknown key '{key}' in the statuspress block{did_you_mean(key, allowed)}: allowed "
                             f"keys are {one_of(k for k in allowed if k != 'enabled')}")

    timezone = options.get("timezone") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.add(where, locate.line("timezone"), f"unknown time zone '{timezone}': use an IANA name "
                                                     "such as Europe/Brussels")

    languages = [str(lang) for lang in (options.get("languages") or ["en"])]
    supported = interface_languages()
    for lang in languages:
        problem = language_problem(lang)
        if problem:
            problems.add(where, locate.line("languages"), problem)
            continue
        if catalog_for(lang) is None:
            # Built anyway, its pages would be in English under <html lang="ru">, with Babel's dates
            # in the language beside them: a page no one asked for, without a word.
            problems.add(where, locate.line("languages"),
                         f"no interface translation for '{lang}': statuspress's pages can be shown in "
                         f"{', '.join(supported)} (a regional variant such as 'nl-BE' uses its language's); "
                         f"remove '{lang}', or add a catalog generator/locale/{lang.split('-')[0]}/LC_MESSAGES/"
                         "statuspress.po")
    twice = sorted({lang for lang in languages if languages.count(lang) > 1})
    if twice:
        problems.add(where, locate.line("languages"), f"{', '.join(repr(t) for t in twice)} listed twice in "
                                                      "'languages': keep each language once")

    groups = {}
    for group_id, spec in (options.get("groups") or {}).items():
        line = locate.line("groups", group_id)
        if not ID_PATTERN.match(str(group_id)):
            problems.add(where, line, f"group id '{group_id}' must be lower-case letters, digits and '-'")
        name = spec.get("name", spec) if isinstance(spec, dict) and "name" in spec else spec
        groups[str(group_id)] = Group(id=str(group_id),
                                      name=_names(name, languages, f"group '{group_id}'", problems, where, line))

    departments = {}
    raw_departments = options.get("departments") or {}
    if not raw_departments:
        problems.add(where, locate.line(), "no 'departments' in the statuspress block: list at least one")
    for dept_id, spec in raw_departments.items():
        dept_id = str(dept_id)
        if not _entry(problems, where, locate, "departments", dept_id, spec, "department", DEPARTMENT_KEYS,
                      f"name: {{{languages[0]}: ...}}"):
            continue
        group = spec.get("group")
        if group is not None and str(group) not in groups:
            problems.add(where, locate.line("departments", dept_id, "group"),
                         f"department '{dept_id}' is in unknown group '{group}'{did_you_mean(group, groups)}: "
                         "add it under 'groups'")
        departments[dept_id] = Department(
            id=dept_id,
            name=_names(spec.get("name"), languages, f"department '{dept_id}' name", problems, where,
                        locate.line("departments", dept_id, "name")),
            description=_names(spec.get("description"), languages, f"department '{dept_id}' description",
                               problems, where, locate.line("departments", dept_id, "description"),
                               required=False),
            group=str(group) if group is not None else None,
            phone=str(spec["phone"]) if spec.get("phone") else None,
        )

    titles = _names(options.get("site_name"), languages, "'site_name'", problems, where,
                    locate.line("site_name"), required=False)
    organisation = _names(options.get("organisation"), languages, "'organisation'", problems, where,
                          locate.line("organisation"), required=False)
    advice = _advice(options.get("advice"), languages, problems, where, locate)
    email_signup = _urls(options.get("email_signup"), languages, problems, where, locate.line("email_signup"))

    channels = _channels(options.get("announce"), languages, problems, where, locate)
    websub_hub = _hub(options.get("websub_hub"), problems, where, locate.line("websub_hub"))
    area = _names(options.get("area"), languages, "'area'", problems, where, locate.line("area"), required=False)
    region = _region(options.get("region"), problems, where, locate.line("region"))
    notice_days = _whole(options, "notice_days", 7, "days", problems, where, locate)
    stale_after = _whole(options, "stale_after", 30, "minutes", problems, where, locate)

    feed_items = options.get("feed_items", 50)
    if isinstance(feed_items, bool) or not isinstance(feed_items, int) or feed_items < 1:
        problems.add(where, locate.line("feed_items") or 1, f"'feed_items' is {feed_items!r}: give a whole number "
                                                            "of 1 or more, such as 50")
        feed_items = 50
    editor_bundle = options.get("editor_bundle")
    if editor_bundle is not None and not re.match(r"^(https://[^\s/]+/|/)[^\s\"'<>]*$", str(editor_bundle)):
        problems.add(where, locate.line("editor_bundle") or 1,
                     f"'editor_bundle' is '{editor_bundle}', not the address of a script: give an https:// "
                     "address such as https://cdn.example.org/decap-cms@3.16.3/dist/decap-cms.js, or a "
                     "path on this site such as /admin/decap-cms.js")
        editor_bundle = None
    url = (site_url or "").strip()
    if url and not url.endswith("/"):
        url += "/"
    site = Site(name=site_name, url=url, timezone=timezone, languages=tuple(languages),
                departments=departments, groups=groups, titles=titles, organisation=organisation,
                advice=advice, email_signup=email_signup, feed_items=feed_items, region=region,
                notice_days=notice_days, stale_after=stale_after, editor_bundle=editor_bundle or None,
                announce=channels, websub_hub=websub_hub, area=area)
    if not problems.errors:
        _fallback_names(site, options, problems, where, locate.line("languages"))
    return (None if problems.errors else site), problems


DEPARTMENT_KEYS = ("name", "description", "group", "phone")


def _entry(problems, where, locate, section: str, entry_id: str, spec, kind: str, keys, needs: str) -> bool:
    """An entry of `section` keyed by an id (a department, a channel): its id, its shape, its keys.
    False when it is not a mapping, and nothing more can be read from it."""
    line = locate.line(section, entry_id)
    if not ID_PATTERN.match(entry_id):
        problems.add(where, line, f"{kind} id '{entry_id}' must be lower-case letters, digits and '-'")
    if not isinstance(spec, dict):
        problems.add(where, line, f"{kind} '{entry_id}' needs at least '{needs}'")
        return False
    for key in spec:
        if key not in keys:
            problems.add(where, locate.line(section, entry_id, key),
                         f"unknown key '{key}' in {kind} '{entry_id}'{did_you_mean(key, keys)}: allowed keys are "
                         f"{one_of(keys)}")
    return True


LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def interface_languages() -> list[str]:
    """The languages statuspress's own words are translated into (a catalog each)."""
    return sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / "statuspress.po").is_file())


def catalog_for(lang: str) -> str | None:
    """The catalog a language tag's interface comes from: its own, or its primary language's for a
    regional variant ('nl-BE' -> 'nl': Babel has the region's dates, our catalog the words). A
    script subtag ('zh-Hans', 'sr-Latn') changes the writing itself: it needs its own catalog."""
    supported = set(interface_languages())
    if lang in supported:
        return lang
    primary, _, rest = lang.partition("-")
    if primary in supported and rest and not (len(rest.split("-")[0]) == 4 and rest.split("-")[0].isalpha()):
        return primary
    return None


def _whole(options, key, default, unit, problems, where, locate) -> int:
    value = options.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.add(where, locate.line(key), f"'{key}' is {value!r}: give a whole number of {unit}, 1 or more, "
                                              f"such as {default}")
        return default
    return value


def _region(value, problems, where, line) -> str | None:
    """The country phone numbers are written for: a region phonenumbers knows ("BE")."""
    if value is None:
        return None
    regions = phone_regions()
    code = str(value).strip().upper()
    if code not in regions:
        problems.add(where, line, f"'region: {value}' is not a country code: give the two-letter code of the "
                                  f"country phone numbers are written for, such as BE, NL or FR"
                                  f"{did_you_mean(code, regions)}")
        return None
    return code


def phone_regions() -> frozenset[str]:
    """phonenumbers.SUPPORTED_REGIONS, kept in the cache folder under phonenumbers' version:
    importing phonenumbers for this set took 0.025 s of CPU of every `check` (its parsing and
    formatting code, which `check` does not use otherwise)."""
    from importlib.metadata import PackageNotFoundError, version

    from ..cache import ParsedRecord

    try:
        record = ParsedRecord("phone-regions", f"phonenumbers {version('phonenumbers')}".encode())
    except PackageNotFoundError:
        record = None
    kept = record.get("regions") if record is not None else None
    if kept is None:
        import phonenumbers

        kept = sorted(phonenumbers.SUPPORTED_REGIONS)
        if record is not None:
            record.add("regions", kept)
            record.save()
    return frozenset(kept)


def _fallback_names(site: Site, options: dict, problems: Problems, where: Path, line: int) -> None:
    """One warning per language listing every configured name shown in the default language there
    instead: an Arabic page that is Dutch in its names should not come as a surprise."""
    default = site.default_language
    named: list[tuple[str, dict[str, str]]] = []
    if options.get("site_name") is not None:
        named.append(("'site_name'", site.titles))
    for group in site.groups.values():
        named.append((f"group '{group.id}'", group.name))
    for dept in site.departments.values():
        named.append((f"department '{dept.id}'", dept.name))
    for index, item in enumerate(site.advice, start=1):
        named.append((f"advice item {index}", item.text))
    for lang in site.languages[1:]:
        missing = [f"{what} ('{names[default]}')" for what, names in named if lang not in names and default in names]
        if missing:
            problems.add(where, line, f"'{lang}' pages show {len(missing)} name(s) in '{default}': "
                                      f"{'; '.join(missing)}; add a '{lang}:' text to each in mkdocs.yml",
                         "warning")


# A number a patient may dial: digits, spaces, and + - . ( ) / as people write them.
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]*$")
ADVICE_KEYS = ("text", "phone")


def _advice(value, languages, problems, where, locate) -> tuple[Advice, ...]:
    """The standing advice shown while anything is not operational: a list of {text, phone}."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add(where, locate.line("advice"), "'advice' must be a list of items such as "
                                                   f"{{text: {{{languages[0]}: Life-threatening emergency}}, phone: \"112\"}}")
        return ()
    result = []
    for index, item in enumerate(value, start=1):
        line = locate.item_line("advice", index - 1)
        if not isinstance(item, dict) or "text" not in item:
            problems.add(where, line, f"advice item {index} needs 'text: {{{languages[0]}: ...}}' "
                                      "(and optionally 'phone')")
            continue
        for key in item:
            if key not in ADVICE_KEYS:
                problems.add(where, line, f"unknown key '{key}' in advice item {index}"
                                          f"{did_you_mean(key, ADVICE_KEYS)}: allowed keys are 'text', 'phone'")
        phone = item.get("phone")
        if phone is not None:
            phone = str(phone).strip()
            if not _PHONE.match(phone):
                problems.add(where, line, f"advice item {index}: phone '{phone}' is not a phone number; write "
                                          "digits and spaces, optionally starting with '+', such as \"+32 3 555 00 00\"")
        result.append(Advice(text=_names(item.get("text"), languages, f"advice item {index} text", problems,
                                         where, line), phone=phone or None))
    return tuple(result)


def _urls(value, languages, problems, where, line) -> dict[str, str]:
    """A URL, or a URL per language; each must be absolute http(s)."""
    if value is None:
        return {}
    urls = _names(value, languages, "'email_signup'", problems, where, line)
    for lang, url in urls.items():
        if not re.match(r"^https?://[^\s/]+", url):
            problems.add(where, line, f"'email_signup' for '{lang}' is '{url}', not a web address: give the full "
                                      "address of the sign-up page, starting with https://")
    return urls


# An environment variable's name as workflow secrets are named: the Apprise URL itself carries
# passwords and tokens, so the repository names where it is, never what it is.
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
CHANNEL_KEYS = ("env", "languages", "name", "follow")


def _channels(value, languages, problems, where, locate) -> tuple[Channel, ...]:
    """`announce`: {channel id: {env: SECRET_NAME, languages: [...], name: ..., follow: ...}}."""
    if not value:
        return ()
    example = f"{{mastodon: {{env: MASTODON_URL, languages: [{languages[0]}]}}}}"
    if not isinstance(value, dict):
        problems.add(where, locate.line("announce"), f"'announce' must name channels, such as {example}")
        return ()
    result = []
    for channel_id, spec in value.items():
        channel_id = str(channel_id)
        if not _entry(problems, where, locate, "announce", channel_id, spec, "channel", CHANNEL_KEYS,
                      "env: NAME_OF_THE_SECRET"):
            continue
        env = spec.get("env")
        env_line = locate.line("announce", channel_id, "env")
        if not isinstance(env, str) or not env.strip():
            problems.add(where, env_line, f"channel '{channel_id}' needs 'env:', the name of the environment "
                                          "variable (a workflow secret) that holds its Apprise URL, such as "
                                          f"{channel_id.upper().replace('-', '_')}_URL")
            continue
        if not _ENV_NAME.match(env):
            # Whatever it is, it is not a name: when it holds '://' it is very likely the secret itself.
            problems.add(where, env_line, f"channel '{channel_id}': 'env' must be the NAME of an environment "
                                          "variable, such as MASTODON_URL, not an address: put the Apprise URL in "
                                          "a workflow secret of that name (it holds a password or token, which "
                                          "must never be in the repository)")
            continue
        wanted = spec.get("languages", list(languages))
        if isinstance(wanted, str):
            wanted = [wanted]
        codes = []
        for code in wanted if isinstance(wanted, list) else [wanted]:
            if str(code) not in languages:
                problems.add(where, locate.line("announce", channel_id, "languages"),
                             f"channel '{channel_id}' has the language '{code}', which is not one of the site's "
                             f"languages{did_you_mean(str(code), languages)}: use {one_of(languages)}")
            else:
                codes.append(str(code))
        follow = _names(spec.get("follow"), languages, f"channel '{channel_id}' follow", problems, where,
                        locate.line("announce", channel_id, "follow"), required=False)
        for lang, url in follow.items():
            if not re.match(r"^(https?://[^\s/]+|mailto:\S+@\S+)", url):
                problems.add(where, locate.line("announce", channel_id, "follow"),
                             f"channel '{channel_id}': 'follow' for '{lang}' is '{url}', not an address people can "
                             "open: give the full address of the account or sign-up page, starting with https://")
        name = _names(spec.get("name"), languages, f"channel '{channel_id}' name", problems, where,
                      locate.line("announce", channel_id, "name"), required=False)
        result.append(Channel(id=channel_id, env=env, languages=tuple(dict.fromkeys(codes)), name=name,
                              follow=follow))
    return tuple(result)


def _hub(value, problems, where, line) -> str | None:
    if value is None:
        return None
    if not re.match(r"^https?://[^\s/]+\S*\Z", value.strip()):
        problems.add(where, line, f"'websub_hub' is '{value}', not a web address: give the hub's full address, "
                                  "such as https://pubsubhubbub.appspot.com/")
        return None
    return value.strip()

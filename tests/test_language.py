"""`articles.language`: English, Serbian in both scripts, Croatian and Bosnian told apart, short
text null, the same answer every time. Every sentence was written for these tests."""

from __future__ import annotations

import socket
from collections import Counter
from pathlib import Path

import pytest
import yaml

from builders.cache import Cache
from builders.extract import ingest, language
from builders.extract.language import detect_language
from builders.extract.lexicon import fold

TEXTS = {
    "en": [
        "Serbia's defence ministry confirmed on Tuesday that the first batch of air defence systems had arrived at a military airport near Belgrade, and officials said the purchase would not affect talks with Washington about future cooperation.",
        "The senator told reporters that the administration was prepared to consider sanctions if the government in Belgrade went ahead with the deal, but he added that diplomacy remained the preferred option for now and that no decision had been taken.",
        "Farmers in the northern province have struggled with a long dry summer, and many of them say that the price of feed has doubled since spring, which leaves little money for repairs, seed or the wages of seasonal workers.",
        "According to the report published by the institute last week, arms imports into the Western Balkans rose sharply over the past five years, with most of the new equipment coming from suppliers outside the European Union.",
        "When the train finally left the station, the children pressed their faces against the window and waved to their grandmother, who stood on the platform holding a small basket of apples until the last carriage disappeared.",
    ],
    "sr-Cyrl": [
        "Министарство одбране Србије саопштило је у уторак да је прва испорука система противваздушне одбране стигла на војни аеродром код Београда, а званичници су рекли да куповина неће утицати на разговоре са Вашингтоном.",
        "Председник је на конференцији за новинаре изјавио да Србија води независну спољну политику и да ће наставити да сарађује са свим партнерима, али да неће увести санкције ниједној земљи без одлуке Савета безбедности.",
        "Пољопривредници на северу земље кажу да је ово лето било веома сушно и да је цена сточне хране удвостручена од пролећа, па им остаје мало новца за поправке, семе и плате сезонских радника.",
        "Према извештају који је институт објавио прошле недеље, увоз оружја на Западни Балкан нагло је порастао у последњих пет година, а већина нове опреме стигла је од добављача изван Европске уније.",
        "Када је воз коначно кренуо са станице, деца су прислонила лица на прозор и махала баки, која је стајала на перону са малом корпом јабука све док последњи вагон није нестао из вида.",
    ],
    "sr-Latn": [  # ekavian
        "Predsednik opštine je rekao da će nova bolnica biti otvorena do kraja godine i da je grad za njenu izgradnju izdvojio više od dvesta hiljada evra, ali da država mora da obezbedi ostatak novca.",
        "Reka je prošle nedelje izašla iz korita posle obilnih kiša, pa su meštani morali da napuste kuće, a vojska je helikopterima dovezla vodu, hleb i mleko u sela do kojih se nije moglo stići putem.",
        "Ministar odbrane je izjavio da Srbija uopšte ne namerava da odustane od kupovine aviona i da će vazduhoplovstvo do kraja januara dobiti prve letelice, bez obzira na to šta o tome misle u Vašingtonu.",
        "Ona je htela da studira istoriju na univerzitetu u Beogradu, ali je posle dve godine prešla na medicinu, jer je smatrala da će tako lakše naći posao i ostati da živi u svojoj zemlji.",
        "Voz za Novi Sad kasnio je skoro sat vremena, a putnici su na peronu pili kafu i čekali objašnjenje, koje im niko od železničkih radnika nije umeo da pruži sve dok kompozicija nije stigla.",
    ],
    "hr": [  # ijekavian, Croatian words
        "Načelnik općine rekao je da će nova bolnica biti otvorena do kraja godine te da je grad za njezinu izgradnju izdvojio više od dvjesto tisuća eura, no država mora osigurati ostatak novca.",
        "Rijeka se prošloga tjedna izlila nakon obilnih kiša pa su mještani morali napustiti kuće, a vojska je helikopterima dopremila vodu, kruh i mlijeko u sela do kojih se cestom nije moglo doći.",
        "Ministar obrane izjavio je da Hrvatska uopće ne namjerava odustati od kupnje zrakoplova te da će zračne snage do kraja siječnja dobiti prve letjelice, bez obzira na to što o tome misle u Bruxellesu.",
        "Ona je htjela studirati povijest na sveučilištu u Zagrebu, ali je nakon dvije godine prešla na medicinu jer je smatrala da će tako lakše pronaći posao i ostati živjeti u domovini.",
        "Vlak za Split kasnio je gotovo sat vremena, a putnici su na peronu pili kavu i čekali objašnjenje, koje im nitko od željezničkih djelatnika nije znao dati sve dok kompozicija nije stigla.",
    ],
    "bs": [  # ijekavian, Bosnian words
        "Načelnik općine je rekao da će nova bolnica biti otvorena do kraja godine i da je općina za njenu izgradnju izdvojila više od dvjesta hiljada maraka, ali da kanton mora osigurati ostatak novca.",
        "Rijeka se prošle sedmice izlila nakon obilnih kiša, pa su mještani morali napustiti kuće, a vojska je helikopterima dovezla vodu, hljeb i mlijeko u sela do kojih se putem nije moglo doći.",
        "Ona je htjela studirati historiju na univerzitetu u Sarajevu, ali je nakon dvije godine prešla na medicinu, jer je smatrala da će tako lahko naći posao i ostati živjeti u Bosni i Hercegovini.",
        "Voz za Mostar kasnio je skoro sahat vremena, a putnici su na peronu pili kafu i čekali objašnjenje, koje im niko od željezničkih radnika nije znao dati sve dok kompozicija nije stigla.",
        "Predsjedništvo je saopćilo da Bosna i Hercegovina uopće ne namjerava mijenjati vanjsku politiku i da će nastaviti saradnju sa svim partnerima, a o tome će se raspravljati na sjednici Vijeća ministara.",
    ],
}
CASES = [(label, text) for label, texts in TEXTS.items() for text in texts]
OTHER = {  # other languages keep their own code, never one of en, sr, hr, bs
    "de": "Das Verteidigungsministerium teilte am Dienstag mit, dass die erste Lieferung der Luftabwehrsysteme auf einem Militärflughafen in der Nähe von Belgrad eingetroffen sei, und die Regierung betonte, dass der Kauf die Gespräche nicht belaste.",
    "ru": "Министерство обороны Сербии сообщило во вторник, что первая партия систем противовоздушной обороны прибыла на военный аэродром под Белградом, а официальные лица заявили, что покупка не повлияет на переговоры с Вашингтоном.",
    "mk": "Министерството за одбрана соопшти во вторникот дека првата пратка на системите за противвоздушна одбрана пристигна на воениот аеродром кај Белград, а официјалните лица изјавија дека купувањето нема да влијае врз разговорите.",
    "sl": "Ministrstvo za obrambo je v torek sporočilo, da je prva pošiljka sistemov zračne obrambe prispela na vojaško letališče blizu Beograda, uradniki pa so dejali, da nakup ne bo vplival na pogovore z Washingtonom.",
}


def test_the_test_texts_are_long_enough():
    assert all(len(text.split()) >= 25 for _, text in CASES) and len(CASES) == 25


@pytest.mark.parametrize(("label", "text"), CASES, ids=[f"{label}-{i}" for i, (label, _) in enumerate(CASES)])
def test_each_text_gets_its_language(label, text):
    assert detect_language(text) == label.split("-")[0]


def test_serbian_in_cyrillic_is_serbian():
    assert {detect_language(text) for text in TEXTS["sr-Cyrl"]} == {"sr"}
    assert detect_language("\n\n".join(TEXTS["sr-Cyrl"])) == "sr"


def test_croatian_is_croatian_not_serbian():
    assert {detect_language(text) for text in TEXTS["hr"]} == {"hr"}
    assert detect_language("\n\n".join(TEXTS["hr"])) == "hr"


@pytest.mark.parametrize("code", OTHER)
def test_another_language_keeps_its_own_code(code):
    assert detect_language(OTHER[code]) == code


def test_short_or_mixed_or_wordless_text_is_null():
    assert detect_language("Srbija je kupila sistem protivvazdušne odbrane od Kine.") is None
    assert detect_language("Министарство одбране Србије саопштило је у уторак") is None
    assert detect_language(TEXTS["en"][0] + " " + TEXTS["sr-Latn"][0]) is None  # no language clearly wins
    assert detect_language(" ".join(["S-400", "FK-3", "CH-92A", "2019", "12.5"] * 10)) is None


def test_the_same_text_gets_the_same_answer_every_time():
    first = [detect_language(text) for _, text in CASES]
    language._IDENTIFIER.clear()  # a fresh model, as in another process
    assert [detect_language(text) for _, text in CASES] == first == [detect_language(text) for _, text in CASES]


def test_the_model_is_read_without_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the language model must not reach the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    language._IDENTIFIER.clear()
    assert detect_language(TEXTS["hr"][0]) == "hr"


def test_a_marker_word_belongs_to_one_group_only():
    lexicon = Path(ingest.__file__).with_name("lexicon.yaml").read_text(encoding="utf-8")
    groups = yaml.safe_load(lexicon)["south_slavic_markers"]
    counts = Counter(fold(word) for words in groups.values() for word in words)
    assert [word for word, n in counts.items() if n > 1] == []
    assert {code for group in groups for code in group.split()} == {"sr", "hr", "bs"}


def test_the_decompressed_model_kept_in_the_cache_answers_as_the_packaged_one(tmp_path, monkeypatch):
    cache = Cache(tmp_path, "models")
    expected = [detect_language(text) for _, text in CASES]
    language._IDENTIFIER.clear()
    language.language_identifier(cache)  # decompressed and written
    assert [detect_language(text) for _, text in CASES] == expected
    packaged = language._packaged_identifier
    with monkeypatch.context() as patched:
        patched.setattr(language, "_packaged_identifier", lambda: pytest.fail("the cached model was not read"))
        language._IDENTIFIER.clear()
        language.language_identifier(cache)  # read back
        assert [detect_language(text) for _, text in CASES] == expected
    assert language._packaged_identifier is packaged
    (kept,) = (tmp_path / "models").iterdir()
    kept.write_bytes(kept.read_bytes()[:-100])  # a damaged entry is not used: decompressed again and rewritten
    language._IDENTIFIER.clear()
    language.language_identifier(cache)
    assert [detect_language(text) for _, text in CASES] == expected
    language._IDENTIFIER.clear()


def test_a_text_s_language_is_cached_apart_from_the_rules_and_answers_as_identified(tmp_path, monkeypatch):
    cached = language.Languages(Cache(tmp_path, "language"))
    assert language.Languages(None)("Too short.") is None  # no cache: identified each time
    expected = [detect_language(text) for _, text in CASES]
    assert [cached(text) for _, text in CASES] == expected  # identified, and kept
    monkeypatch.setattr(language, "detect_language", lambda text: pytest.fail("the cached answer was not read"))
    assert [cached(text) for _, text in CASES] == expected


def test_the_cached_language_is_keyed_by_the_marker_words_and_the_code(tmp_path, monkeypatch):
    text = TEXTS["hr"][0]
    language.Languages(Cache(tmp_path, "language"))(text)
    before = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    monkeypatch.setattr(language, "SOUTH_SLAVIC_MARKERS", {**language.SOUTH_SLAVIC_MARKERS, "vlak": ("sr",)})
    language._answer_depends_on.cache_clear()
    try:
        language.Languages(Cache(tmp_path, "language"))(text)  # other marker words: another entry
    finally:
        language._answer_depends_on.cache_clear()
    assert len(sorted(p.name for p in tmp_path.rglob("*") if p.is_file())) == len(before) + 1  # (none left in tmp/)

from glossary.transcripts.quotes import quote_around

TEXT = (
    "Welcome back. Today we talk about open source and what it means. "
    "Is it a licence? Or a community?"
)


def span(text, words):
    start = text.index(words)
    return start, start + len(words)


def test_the_quote_is_the_sentence_around_the_mention():
    assert quote_around(TEXT, *span(TEXT, "open source")) == (
        "Today we talk about open source and what it means."
    )


def test_a_mention_in_the_first_sentence_quotes_from_the_start():
    assert quote_around(TEXT, *span(TEXT, "Welcome")) == "Welcome back."


def test_a_mention_in_the_last_sentence_quotes_to_the_end():
    assert quote_around(TEXT, *span(TEXT, "community")) == "Or a community?"


def test_a_newline_ends_a_sentence():
    text = "first line without a stop\nsecond line about RLHF\nthird"
    assert quote_around(text, *span(text, "RLHF")) == "second line about RLHF"


def test_a_long_sentence_is_cut_at_words_around_the_mention():
    words = " ".join(f"word{i}" for i in range(200))
    text = words + " foundation model " + words + "."
    quote = quote_around(text, *span(text, "foundation model"), max_chars=80)
    assert "foundation model" in quote
    assert quote.startswith("…word") and quote.endswith("…")
    assert len(quote) <= 82
    inner = quote.strip("…")
    assert all(
        part.startswith("word") or part in {"foundation", "model"}
        for part in inner.split()
    )


def test_a_mention_longer_than_the_limit_is_kept_whole():
    text = "A very long named concept indeed. Next."
    quote = quote_around(text, *span(text, "very long named concept"), max_chars=5)
    assert "very long named concept" in quote

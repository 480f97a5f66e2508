"""Prompt rendering: sandboxed GGUF chat templates and the plain fallback."""

from __future__ import annotations

import pytest

from assistant.core.chat_format import (
    ChatTemplateError,
    check_template,
    plain_stop_strings,
    render_chat,
    render_plain,
)
from assistant.core.messages import ChatTurn, Role

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# Shaped like Gemma's and Mistral's templates: no system role, strict alternation.
STRICT = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant') }}"
    "{% endif %}"
    "{{ '<start_of_turn>' + message['role'] + '\\n' + message['content'] | trim "
    "+ '<end_of_turn>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
)

TURNS = (ChatTurn(Role.USER, "Hi"), ChatTurn(Role.ASSISTANT, "Hello!"),
         ChatTurn(Role.USER, "What is 2+2?"))


def test_chatml_renders_system_and_turns() -> None:
    text = render_chat(CHATML, TURNS, "Be brief.", "<s>", "</s>")
    assert text == ("<|im_start|>system\nBe brief.<|im_end|>\n"
                    "<|im_start|>user\nHi<|im_end|>\n"
                    "<|im_start|>assistant\nHello!<|im_end|>\n"
                    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                    "<|im_start|>assistant\n")


def test_no_generation_prompt_when_not_asked() -> None:
    text = render_chat(CHATML, TURNS[:1], "", "", "", add_generation_prompt=False)
    assert text == "<|im_start|>user\nHi<|im_end|>\n"


def test_template_refusing_system_role_gets_it_folded_into_first_user_turn() -> None:
    text = render_chat(STRICT, TURNS, "Be brief.", "<bos>", "<eos>")
    assert text.startswith("<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n")
    assert text.endswith("<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n"
                         "<start_of_turn>model\n")


def test_repeated_roles_are_joined_for_strict_templates() -> None:
    turns = (ChatTurn(Role.USER, "first"), ChatTurn(Role.USER, "second"))
    text = render_chat(STRICT, turns, "", "", "")
    assert "<start_of_turn>user\nfirst\n\nsecond<end_of_turn>" in text


def test_template_refusing_everything_raises_a_sentence() -> None:
    template = "{{ raise_exception('Only tools are supported') }}"
    with pytest.raises(ChatTemplateError, match="refused this conversation: Only tools"):
        render_chat(template, TURNS, "", "", "")


def test_broken_template_is_reported() -> None:
    with pytest.raises(ChatTemplateError, match="broken"):
        check_template("{% for message in messages %}{{ message }")
    with pytest.raises(ChatTemplateError, match="broken"):
        render_chat("{% if %}", TURNS, "", "", "")


@pytest.mark.parametrize("template", [
    "{{ messages.append({'role': 'user', 'content': 'x'}) }}",
    "{{ messages.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
])
def test_unsafe_templates_do_not_run(template: str) -> None:
    with pytest.raises(ChatTemplateError):
        render_chat(template, TURNS, "", "", "")


def test_template_helpers_exist() -> None:
    template = ("{{ strftime_now('%Y') | length }}|{{ messages | tojson }}"
                "{% for m in messages %}{% if loop.index > 1 %}{% break %}{% endif %}"
                "{{ m.role }}{% endfor %}")
    text = render_chat(template, (ChatTurn(Role.USER, "<é>"),), "", "", "")
    assert text == '4|[{"role": "user", "content": "<é>"}]user'


def test_plain_transcript_ends_with_assistant_cue() -> None:
    text = render_plain(TURNS, "You are helpful.")
    assert text == ("You are helpful.\n\nUser: Hi\n\nAssistant: Hello!\n\n"
                    "User: What is 2+2?\n\nAssistant:")
    assert render_plain(TURNS[:1], "  ") == "User: Hi\n\nAssistant:"


def test_plain_stop_strings_mark_the_next_turn() -> None:
    stops = plain_stop_strings()
    assert "\nUser:" in stops
    transcript = render_plain(TURNS, "")
    # every turn after the first starts with a stop string: the model cannot speak for them
    assert all(transcript.count(stop) >= 1 for stop in stops)

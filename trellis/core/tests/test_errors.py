"""The error hierarchy's one way to fail with field errors."""

from trellis.core.errors import ValidationFailed


def test_the_first_field_error_is_the_message_unless_one_is_given():
    errors = {"price": ["Enter a price."], "budget": ["Add a budget."]}
    assert ValidationFailed.of(errors).message == "Enter a price."
    failed = ValidationFailed.of(errors, "Your bid has not been saved.")
    assert failed.message == "Your bid has not been saved."
    assert failed.errors == errors
    assert failed.as_problem()["errors"] == errors and failed.as_problem()["status"] == 422


def test_no_field_errors_still_gives_a_plain_message():
    assert ValidationFailed.of({}).message == "The input is not valid."

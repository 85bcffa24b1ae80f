from django import template

from guides import feedback

register = template.Library()


@register.simple_tag
def feedback_form_token():
    return feedback.form_token()

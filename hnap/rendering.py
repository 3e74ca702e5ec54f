"""The form renderer: every `{{ form }}` draws GOV.UK Design System markup (templates/govuk/)."""

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Renders forms and fields with the project's GOV.UK templates."""

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"

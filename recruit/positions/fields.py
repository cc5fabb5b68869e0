"""Form fields whose parse errors are in Chinese and name the field."""

from wtforms import fields


class IntegerField(fields.IntegerField):
    """An integer field that says in Chinese which field was not a whole number."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text}：请填写整数。") from None


class DateField(fields.DateField):
    """A date field that says in Chinese which field was not a date."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text}：请填写有效日期（如 2026-06-30）。") from None

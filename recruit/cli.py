"""Helpers for the flask commands."""

import click


class CommandError(click.ClickException):
    """A refusal printed in Chinese as 错误：…, exiting with status 1."""

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", file=file, err=True)

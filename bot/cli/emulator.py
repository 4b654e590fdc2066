"""``youthvoice emulator``: the built-in Bot API emulator on its own, for trying the bot by hand
with ``youthvoice run`` and ``youthvoice chat`` in other terminals."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Sequence

import click

from bot.cli.faults import FaultSpec, fault_option
from bot.cli.support import PORT
from bot.emulator import Emulator

DEFAULT_PORT = 8081
DEFAULT_URL = f"http://127.0.0.1:{DEFAULT_PORT}"
# A made-up token: the emulator only checks that the bot uses this one. Never a real bot's.
LOCAL_TOKEN = "123456:local-emulator"


@click.command()
@click.option(
    "--port",
    type=PORT,
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on, on 127.0.0.1 only (0 picks a free one).",
)
@fault_option
def emulator(port: int, faults: tuple[FaultSpec, ...]) -> None:
    """Run a pretend Telegram on this computer, to try the bot by hand (Ctrl-C stops it)."""
    try:
        asyncio.run(serve_emulator(port, faults))
    except OSError as exc:
        click.echo(f"youthvoice: could not listen on 127.0.0.1:{port}: {exc.strerror}", err=True)
        sys.exit(1)


async def serve_emulator(port: int, faults: Sequence[FaultSpec] = ()) -> None:
    """Serve until SIGINT or SIGTERM, then stop cleanly; `faults` are on from the start."""
    emu = Emulator(token=LOCAL_TOKEN, bot_username="youthvoice_local_bot", port=port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await emu.start()
        try:
            url_flag = "" if emu.port == DEFAULT_PORT else f" --url {emu.url}"
            click.echo(
                f"The Bot API emulator is running at {emu.url}\n"
                "It is a pretend Telegram on this computer only, with Telegram's limits.\n"
                "\n"
                "In a second terminal, run the bot against it:\n"
                f"  YOUTHVOICE_API_URL={emu.base_url} YOUTHVOICE_BOT_TOKEN={LOCAL_TOKEN} "
                "YOUTHVOICE_DATABASE=try-it.db youthvoice run\n"
                "\n"
                "In a third terminal, chat with the bot as a young person:\n"
                f"  youthvoice chat{url_flag}\n"
            )
            for spec in faults:
                spec.switch_on(emu)
                click.echo(f"Fault switched on now: {spec}.")
            click.echo(
                f"Faults can be switched on and off at {emu.url}/_emulator/faults (see the "
                "README).\n\nPress Ctrl-C here to stop the emulator."
            )
            await stop.wait()
        finally:
            await emu.stop()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    click.echo("Emulator stopped.")

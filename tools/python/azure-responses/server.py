"""Microsoft's Responses protocol host (azure-ai-agentserver-responses) on loopback, for
client-tests/tests/servers.rs: `python server.py PORT`.

Everything the test drives (the routes, the JSON and SSE shapes, storage, background runs,
cancel, delete, replay, input-item pages, the errors) is the package's code. What is here is
only the host's one required piece, its handler, standing in for the model the way the other
servers' loopback echo does: it answers "Echo: " and the input text, word by word. An input
that starts with "Hold" makes it wait (up to 60 s) for the cancel signal before it says
anything, so that a background response stays in progress until the test cancels it.

Offline: the responses are kept in memory (nothing under ~/.agentserver) and the package's
telemetry setup is switched off (`configure_observability=None`), so nothing is exported.
"""

import asyncio
import logging
import sys

from azure.ai.agentserver.responses import (
    InMemoryResponseProvider,
    ResponsesAgentServerHost,
    TextResponse,
)

logging.basicConfig(level=logging.INFO, stream=sys.stderr)

app = ResponsesAgentServerHost(
    prefix="/v1",
    store=InMemoryResponseProvider(),
    configure_observability=None,
)


@app.response_handler
async def handler(request, context, cancellation_signal: asyncio.Event):
    text = await context.get_input_text()

    async def words():
        if text.startswith("Hold"):
            try:
                await asyncio.wait_for(cancellation_signal.wait(), 60)
                return
            except asyncio.TimeoutError:
                pass
        for i, word in enumerate(f"Echo: {text}".split(" ")):
            yield word if i == 0 else " " + word

    return TextResponse(context, request, text=words())


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))

"""A stand-in OpenAI-compatible server for the serving meter's tests: run as
`python fake_upstream.py PORT`. Each answer burns CPU per token, so that the meter has
energy to split. The model name picks a behaviour: 'error' (500), 'slow' (no answer for
30 s), 'break' (the stream dies after 3 chunks), 'nousage' (a stream with no usage),
'lingering' (the stream's end comes 2 s after its [DONE])."""

from __future__ import annotations

import asyncio
import json
import sys
import time

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

WORK_S_PER_TOKEN = 0.002


def burn(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def chat(request: Request) -> Response:
    body = await request.json()
    model = body.get("model", "")
    tokens = int(body.get("max_tokens", 8))
    prompt = sum(len(m.get("content", "")) for m in body.get("messages", [])) // 4
    if model == "error":
        return JSONResponse({"error": {"message": "boom"}}, status_code=500)
    if model == "slow":
        await asyncio.sleep(30)
    burn(WORK_S_PER_TOKEN * prompt / 4)
    usage = {"prompt_tokens": prompt, "completion_tokens": tokens, "total_tokens": prompt + tokens}
    if not body.get("stream"):
        burn(WORK_S_PER_TOKEN * tokens)
        message = {"role": "assistant", "content": " ".join(["tok"] * tokens)}
        return JSONResponse(
            {
                "id": "x",
                "model": model,
                "choices": [{"index": 0, "message": message}],
                "usage": usage,
            }
        )

    async def stream() -> object:
        for i in range(tokens):
            if model == "break" and i == 3:
                raise RuntimeError("the server died mid-stream")
            burn(WORK_S_PER_TOKEN)
            chunk = {"choices": [{"index": 0, "delta": {"content": "tok "}}]}
            yield f"data: {json.dumps(chunk)}\n\n"
            await asyncio.sleep(0)
        if model != "nousage":
            yield f"data: {json.dumps({'choices': [], 'usage': usage})}\n\n"
        yield "data: [DONE]\n\n"
        if model == "lingering":  # the body's last chunk comes late, after [DONE]
            await asyncio.sleep(2)

    return StreamingResponse(stream(), media_type="text/event-stream")  # type: ignore[arg-type]


async def models(request: Request) -> Response:
    return JSONResponse({"object": "list", "data": [{"id": "fake", "object": "model"}]})


app = Starlette(
    routes=[Route("/v1/chat/completions", chat, methods=["POST"]), Route("/v1/models", models)]
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="critical")

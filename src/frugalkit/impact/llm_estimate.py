"""A language model's footprint for one answer, estimated by EcoLogits' method and data
(`ecologits`, MPL-2.0, offline; `frugalkit[llm]`): from the model's parameter count, the
answer's output tokens and its latency. Used where frugalkit cannot measure (a remote model,
library/generate.py) and beside what it measured (the serving meter, serving/windows.py).

Energies in Wh, emissions in g CO2e, each as a low-high range.
"""

from __future__ import annotations

from typing import Any

SELF_HOSTED = "self-hosted"
# Where a server gives no token count: "one token generally corresponds to ~4 characters of
# text for common English text" (OpenAI, "What are tokens and how to count them?", help
# centre). A rough rule, and the records that use it say "estimated".
CHARS_PER_TOKEN = 4


def _parameters(model: str, params_b: float | None) -> tuple[Any, Any] | None:
    """(active, total) billions of parameters: EcoLogits' own figure where it knows the
    model under any provider, else the one given."""
    from ecologits.model_repository import models
    from ecologits.tracers.utils import PROVIDER_CONFIG_MAP

    for provider in PROVIDER_CONFIG_MAP:
        found = models.find_model(provider=provider, model_name=model)
        if found is not None:
            parameters = found.architecture.parameters
            return getattr(parameters, "active", parameters), getattr(
                parameters, "total", parameters
            )
    return None if params_b is None else (params_b, params_b)


def estimate(
    model: str,
    output_tokens: int,
    latency_s: float,
    *,
    provider: str = "huggingface_hub",
    params_b: float | None = None,
    zone_alpha3: str | None = None,
    pue: float | None = None,
) -> dict[str, Any]:
    """EcoLogits' estimate of one answer. `provider` picks the data centre (location, PUE,
    WUE) EcoLogits assumes; SELF_HOSTED uses `zone_alpha3`'s electricity mix and `pue`."""
    try:
        from ecologits.electricity_mix_repository import electricity_mixes
        from ecologits.impacts.llm import compute_llm_impacts
        from ecologits.tracers.utils import PROVIDER_CONFIG_MAP
    except ImportError:
        return {"available": False, "why": "install ecologits (pip install 'frugalkit[llm]')"}
    parameters = _parameters(model, params_b)
    if parameters is None:
        return {
            "available": False,
            "why": f"EcoLogits does not know {model[:100]!r}: give its size",
        }
    active, total = parameters
    config = PROVIDER_CONFIG_MAP.get(provider, PROVIDER_CONFIG_MAP["huggingface_hub"])
    location = zone_alpha3 if provider == SELF_HOSTED else config.datacenter_location
    mix = electricity_mixes.find_electricity_mix(zone=location or "WOR")
    mix = mix or electricity_mixes.find_electricity_mix(zone="WOR")
    if mix is None:
        return {"available": False, "why": "EcoLogits has no world electricity mix"}
    impacts = compute_llm_impacts(
        model_active_parameter_count=active,
        model_total_parameter_count=total,
        output_token_count=output_tokens,
        request_latency=latency_s,
        if_electricity_mix_adpe=mix.adpe,
        if_electricity_mix_pe=mix.pe,
        if_electricity_mix_gwp=mix.gwp,
        if_electricity_mix_wue=mix.wue,
        datacenter_pue=pue if provider == SELF_HOSTED and pue else config.datacenter_pue,
        datacenter_wue=config.datacenter_wue,
    )
    energy, gwp = impacts.energy.value, impacts.gwp.value
    where = f"{mix.zone} mix" if provider == SELF_HOSTED else f"{provider} data centres"
    basis = f"estimate: EcoLogits method and data, {active:g} B active parameters"
    return {
        "available": True,
        "method": f"{basis}, {output_tokens} output tokens, {where}",
        "basis": f"{basis}, {where}",  # the same for every answer of this model and place
        "energy_wh_low": getattr(energy, "min", energy) * 1000,
        "energy_wh_high": getattr(energy, "max", energy) * 1000,
        "ghg_g_low": getattr(gwp, "min", gwp) * 1000,
        "ghg_g_high": getattr(gwp, "max", gwp) * 1000,
    }

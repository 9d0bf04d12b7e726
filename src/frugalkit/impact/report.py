"""ImpactReport: the one record every frugalkit module produces or consumes.

Versioned by `schema_version`; `frugalkit reports schema` prints its JSON schema.
Energies in kWh, greenhouse gases in g CO2e, water in L, ADPe in kg Sb eq, PE in MJ.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from frugalkit.impact.data import field

Phase = Literal["training", "inference", "evaluation", "service", "other"]
# "running": the provisional record `frugalkit measure` stores when a run starts, replaced
# by the final report of the same id (or marked interrupted when its process is gone).
Status = Literal["running", "completed", "failed", "interrupted"]
Scope = Literal["process", "machine"]
NonNegative = Field(ge=0)
# The world's electricity of a year (impact/data/bounds.json, Ember 2025): the most energy
# one report can hold; 1e308 kWh "finite" overflowed every figure derived from it.
MAX_ENERGY_KWH = float(field("bounds", "energy_kwh_max", "value"))
Energy_kWh = Field(ge=0, le=MAX_ENERGY_KWH)


class _Strict(BaseModel):
    # Finite numbers only: one Infinity would turn every total into inf.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Gpu(_Strict):
    index: int
    name: str


class Host(_Strict):
    hostname: str
    os: str
    python: str
    cpu_model: str
    logical_cpus: int = Field(ge=1)
    ram_total_gb: float = NonNegative
    gpus: list[Gpu]
    zone: str = Field(description="ISO 3166 alpha-3 code of the grid zone, WOR for world")


class ComponentMethod(_Strict):
    component: Literal["cpu", "gpu", "ram"]
    kind: Literal["counter", "estimate"]
    meter: str = Field(description="rapl, nvml or estimate")
    sampling: str = Field(description="how readings were taken, e.g. 'counters at window edges'")
    share: float | None = Field(
        default=None, description="fraction of the device apportioned to the run, if any"
    )
    idle_kwh: float | None = Field(
        default=None,
        ge=0,
        description="a shared GPU's idle energy in the window: stated apart, charged to nobody",
    )
    note: str = ""


class Energy(_Strict):
    cpu_kwh: float = Energy_kWh
    gpu_kwh: float = Energy_kWh
    ram_kwh: float = Energy_kWh
    it_kwh: float = Energy_kWh
    facility_kwh: float = Field(ge=0, le=MAX_ENERGY_KWH, description="IT energy x PUE")
    low_kwh: float = Field(ge=0, le=MAX_ENERGY_KWH, description="facility energy, low end")
    high_kwh: float = Field(ge=0, le=MAX_ENERGY_KWH, description="facility energy, high end")
    pue: float = Field(ge=1.0)


class Ghg(_Strict):
    location_based_g: float = NonNegative
    low_g: float = NonNegative
    high_g: float = NonNegative
    intensity_g_per_kwh: float = NonNegative
    zone: str
    zone_name: str
    source: str
    year: int
    resolution: str = Field(
        default="yearly", description="the intensity's time resolution: yearly, hourly..."
    )
    note: str = Field(default="", description="why a live figure was not used, where asked")


class Water(_Strict):
    onsite_l: float = NonNegative
    offsite_l: float = NonNegative
    total_l: float = NonNegative
    wue_l_per_kwh: float = NonNegative
    offsite_l_per_kwh: float = NonNegative
    method: str
    source: str


class Resources(_Strict):
    usage_adpe_kgsbeq: float = NonNegative
    usage_pe_mj: float = Field(
        ge=0,
        description="EcoLogits' per-zone 'pe' factor times the energy: below the 3.6 MJ a kWh "
        "holds in 95 of 215 zones, so not total primary energy (its definition is not stated)",
    )
    source: str
    world_fallback: list[str] = Field(
        default_factory=list,
        description="factors of this zone taken at the world's value: it has none of its own",
    )


class EmbodiedItem(_Strict):
    profile: str
    count: int = Field(ge=1)
    share: float = Field(ge=0, le=1)
    lifetime_years: float = Field(gt=0)
    gwp_g: float = NonNegative
    adpe_kgsbeq: float = NonNegative
    pe_mj: float = NonNegative
    source: str


class Embodied(_Strict):
    gwp_g: float = NonNegative
    adpe_kgsbeq: float = NonNegative
    pe_mj: float = NonNegative
    method: str
    items: list[EmbodiedItem]


class PerUnit(_Strict):
    functional_unit: str
    energy_kwh: float = NonNegative
    ghg_g: float = NonNegative
    water_l: float = NonNegative
    embodied_gwp_g: float = NonNegative


class Window(_Strict):
    name: str
    offset_s: float = Field(ge=0, description="start, seconds after the run started")
    duration_s: float = NonNegative
    cpu_kwh: float = NonNegative
    gpu_kwh: float = NonNegative
    ram_kwh: float = NonNegative
    it_kwh: float = NonNegative


class ProcessRef(_Strict):
    """The process that measures a run still in progress, to tell later whether it died."""

    boot_id: str = Field(max_length=64, description="/proc/sys/kernel/random/boot_id")
    pid: int = Field(ge=1)
    start_ticks: int = Field(ge=0, description="the process's start time, clock ticks after boot")


class Prediction(_Strict):
    """The whole run's cost predicted from its first epochs or steps (measure/forecast.py)."""

    done: float = Field(gt=0)
    total: float = Field(gt=0)
    unit: str = Field(min_length=1, max_length=40)
    it_kwh: float = Field(ge=0, le=MAX_ENERGY_KWH)
    facility_kwh: float = Field(ge=0, le=MAX_ENERGY_KWH)
    low_kwh: float = Field(ge=0, le=MAX_ENERGY_KWH)
    high_kwh: float = Field(ge=0, le=MAX_ENERGY_KWH)
    ghg_g: float = NonNegative
    duration_s: float = NonNegative
    made_after_s: float = NonNegative
    method: str = Field(max_length=400)


class Quantiles(_Strict):
    """A distribution over the window's requests."""

    p5: float = NonNegative
    p50: float = NonNegative
    p95: float = NonNegative
    mean: float = NonNegative
    max: float = NonNegative


class LlmEstimate(_Strict):
    """EcoLogits' estimate for the same requests (impact/llm_estimate.py), summed."""

    available: bool
    why: str = Field(default="", max_length=300, description="why there is none, if so")
    method: str = Field(default="", max_length=300)
    energy_wh_low: float | None = Field(default=None, ge=0)
    energy_wh_high: float | None = Field(default=None, ge=0)
    ghg_g_low: float | None = Field(default=None, ge=0)
    ghg_g_high: float | None = Field(default=None, ge=0)


class Serving(_Strict):
    """A served model's requests of one kind in one window, measured by the serving meter
    (serving/). Energies are facility energies (the run's PUE applied); tokens are counts."""

    upstream: str = Field(max_length=200, description="the server measured, without credentials")
    kind: str = Field(max_length=20, description="chat, completion, embedding, other or idle")
    model: str = Field(max_length=100)
    requests: int = NonNegative
    failed: int = NonNegative
    prompt_tokens: int = NonNegative
    completion_tokens: int = NonNegative
    tokens_source: dict[str, int] = Field(
        description="requests per source: usage, counted, estimated"
    )
    wh_per_1k_tokens: float | None = Field(default=None, ge=0)
    j_per_completion_token: float | None = Field(default=None, ge=0)
    idle_kwh: float = Field(
        ge=0, le=MAX_ENERGY_KWH, description="the server's idle IT energy, apart"
    )
    distributions: dict[str, Quantiles] = Field(
        description="wh, wh_per_1k_tokens, latency_s, ttft_s, prompt_tokens, completion_tokens"
    )
    estimate: LlmEstimate | None = None
    method: str = Field(max_length=600)


class ImpactReport(_Strict):
    """What ran, where, how it was measured, and its impacts."""

    schema_version: Literal[1] = 1
    id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    name: str = Field(min_length=1, max_length=200)
    phase: Phase
    functional_unit: str = Field(min_length=1, max_length=100)
    units: float = Field(gt=0)
    started_at: datetime
    ended_at: datetime
    duration_s: float = NonNegative
    status: Status
    exit_code: int | None = None
    error: str | None = None
    scope: Scope
    command: list[str] | None = None
    host: Host
    methods: list[ComponentMethod]
    energy: Energy
    ghg: Ghg
    water: Water
    resources: Resources
    embodied: Embodied
    per_unit: PerUnit
    windows: list[Window]
    frugalkit_version: str
    process: ProcessRef | None = Field(
        default=None, description="set on a 'running' record only: who measures it"
    )
    prediction: Prediction | None = Field(
        default=None, description="the whole run's cost as predicted at its last progress mark"
    )
    serving: Serving | None = Field(
        default=None, description="a serving meter's requests of one kind in one window"
    )

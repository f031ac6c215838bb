"""Prices, ownership costs and currency conversion."""

from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from tokentco.domain.base import Frozen

HOURS_PER_YEAR = 8760.0
"""Hours convention for converting yearly/monthly prices: 365 × 24 (730 per month)."""

MAX_AMOUNT = 1e12
"""Largest money amount accepted in any currency (a GPU in yen or rupiah stays far below):
a larger one is a typo or a hostile file, and would overflow the sizing arithmetic."""
MIN_RATE, MAX_RATE = 1e-9, 1e9
"""USD per unit of a currency: the weakest and strongest currencies sit well inside."""


class PricingModel(StrEnum):
    ON_DEMAND = "on_demand"
    SPOT = "spot"
    RESERVED_1Y = "reserved_1y"
    RESERVED_3Y = "reserved_3y"
    CAPACITY_BLOCK = "capacity_block"
    OWNER_COST = "owner_cost"
    OWNED = "owned"

    @property
    def is_rental(self) -> bool:
        return self is not PricingModel.OWNED


_OWNED = PricingModel.OWNED
"""The member itself, for checks run per offer (a global, not an enum-class lookup)."""


class ExchangeRates(Frozen):
    """Units of USD per one unit of each currency, set by the user for the project."""

    usd_per_unit: dict[str, float] = Field(
        default_factory=lambda: {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "JPY": 0.0067}
    )

    @field_validator("usd_per_unit")
    @classmethod
    def _positive(cls, rates: dict[str, float]) -> dict[str, float]:
        bad = {code: rate for code, rate in rates.items() if not MIN_RATE <= rate <= MAX_RATE}
        if bad:
            raise ValueError(
                f"exchange rates must be positive USD per unit between {MIN_RATE:g} and "
                f"{MAX_RATE:g}, got {bad}"
            )
        return {code.upper(): rate for code, rate in rates.items()}

    def to_usd(self, amount: float, currency: str) -> float:
        code = currency.upper()
        if code not in self.usd_per_unit:
            known = ", ".join(sorted(self.usd_per_unit))
            raise ValueError(f"no exchange rate for {code!r}: set one (known: {known})")
        return amount * self.usd_per_unit[code]

    def from_usd(self, usd: float, currency: str) -> float:
        return usd / self.usd_per_unit[currency.upper()] if currency.upper() != "USD" else usd


class OwnedCost(Frozen):
    """What owning a GPU costs: capex amortised with cost of capital, energy and opex.

    Amounts are in the offer's currency; power is per GPU including its share of CPUs,
    NICs and switches (None: take it from the system or, failing that, 1.5 × TDP).
    """

    capex_per_gpu: float = Field(
        gt=0, le=MAX_AMOUNT, description="purchase price per GPU incl. its server share"
    )
    depreciation_years: float = Field(default=5.0, gt=0, le=15)
    cost_of_capital: float = Field(default=0.08, ge=0, le=0.5, description="annual rate")
    it_watts_per_gpu: float | None = Field(default=None, gt=0, le=100_000)
    pue: float = Field(default=1.3, ge=1.0, le=3.0)
    usd_per_kwh: float = Field(default=0.08, ge=0, le=2.0)
    opex_per_gpu_year: float = Field(
        default=0.0, ge=0, le=MAX_AMOUNT, description="maintenance, space, staff"
    )


class Offer(Frozen):
    """A way to get GPU-hours: a cloud price, or owning the hardware."""

    id: str = Field(min_length=1)
    accelerator_id: str = Field(min_length=1)
    provider: str = ""
    pricing_model: PricingModel = PricingModel.ON_DEMAND
    price_per_gpu_hour: float | None = Field(
        default=None, gt=0, le=MAX_AMOUNT, description="in `currency`"
    )
    currency: str = "USD"
    owned: OwnedCost | None = None
    system_id: str | None = None
    region: str = ""
    as_of: str = ""
    lead_time_weeks: float | None = Field(default=None, ge=0, le=520, description="≤ 10 years")
    source: str = ""

    @model_validator(mode="after")
    def _priced(self) -> "Offer":
        """Owned offers need their costs, rented ones a price. Runs for every offer built
        (100,000 in a 100,000-row import), so the pricing model is read once and compared
        with :data:`_OWNED`: ``PricingModel.OWNED`` is an enum-class lookup of ~0.1 µs."""
        if self.pricing_model is _OWNED:
            if self.owned is None:
                raise ValueError(
                    f"offer {self.id!r}: owned pricing needs capex, life, power and PUE"
                )
        elif self.price_per_gpu_hour is None:
            raise ValueError(f"offer {self.id!r}: {self.pricing_model} needs a price per GPU-hour")
        return self

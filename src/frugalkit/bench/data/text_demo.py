"""A built-in demonstration set for the text task, written for frugalkit.

Quotes are assembled from hand-written claims (one list per label), framed by a speaker's
opener and closer, so that every label shares the vocabulary of the debate (CO2,
temperature, models, energy...) and a model must read the claim. Deterministic: the same
400 quotes, 50 per label, on every machine. See DATACARD.md: this is not the
QuotaClimat data and its scores are not comparable with the challenge's.
"""

from __future__ import annotations

import random

SEED = 42
PER_LABEL = 50

CLAIMS: dict[str, list[str]] = {
    "0_not_relevant": [
        "the council will vote on the new cycle lanes next Tuesday",
        "our company opened a recycling point at the train station",
        "the report on regional rainfall will be published in March",
        "farmers met the minister to discuss the price of fertiliser",
        "the conference on energy and cities starts tomorrow in Lyon",
        "the new tram line will carry forty thousand people a day",
        "students planted trees along the river as part of the school project",
        "the weather service expects a mild and windy weekend",
        "the museum is showing an exhibition on the history of the coal mines",
        "the utility published its yearly results on Thursday",
        "the debate on the harbour extension was postponed again",
        "the agency is hiring engineers for its flood-mapping team",
    ],
    "1_not_happening": [
        "global temperatures have not risen for the last twenty years",
        "the Arctic sea ice is growing back faster than ever",
        "there is no warming at all, the thermometers show nothing unusual",
        "sea levels are not rising, the beaches look exactly as they did in my childhood",
        "the glaciers are advancing again in most mountain ranges",
        "this winter was the coldest in decades, so much for global warming",
        "the so-called heatwaves are normal summer weather",
        "the planet is actually cooling and scientists know it",
        "polar bear numbers are booming, the ice they need is not disappearing",
        "the warming stopped in 1998 and never came back",
        "snowfall records prove the climate is not getting warmer",
        "there has been no increase in extreme weather whatsoever",
    ],
    "2_not_human": [
        "the climate has always changed, long before factories existed",
        "it is the sun that drives temperatures, not carbon dioxide",
        "volcanoes emit far more CO2 than all human activity",
        "the warming we see is a natural cycle coming out of the little ice age",
        "human emissions are a tiny fraction of the natural carbon cycle",
        "ocean currents explain the temperature changes, not our cars",
        "CO2 follows temperature in the ice cores, so it cannot be the cause",
        "cosmic rays and clouds control the climate, people do not",
        "water vapour is the real greenhouse gas, CO2 hardly matters",
        "the medieval warm period was hotter and there were no power plants",
        "natural variability alone can explain the last century of warming",
        "man-made CO2 is too small to change the temperature of a whole planet",
    ],
    "3_not_bad": [
        "more CO2 is good for plants, it makes the world greener",
        "a warmer world means fewer people dying from the cold",
        "farmers in the north will gain longer growing seasons",
        "a few degrees of warming is nothing to worry about",
        "we will simply adapt, as humanity always has",
        "melting ice will open new shipping routes and new wealth",
        "higher temperatures will make winters pleasant and cut heating bills",
        "carbon dioxide is plant food, not pollution",
        "species have always moved with the climate and they will be fine",
        "the benefits of a warmer climate outweigh the costs",
        "coral reefs have survived far warmer oceans than today's",
        "the climate sensitivity is low, so the impacts will be mild",
    ],
    "4_solutions_harmful_unnecessary": [
        "wind farms destroy the landscape and kill birds for nothing",
        "carbon taxes punish the poor and change nothing",
        "electric cars are worse for the environment than petrol cars",
        "net zero will ruin our economy and send jobs abroad",
        "solar panels cannot keep the lights on at night",
        "banning gas boilers is an expensive fantasy",
        "climate policies are driving up energy bills for ordinary families",
        "renewables make the grid unstable and cause blackouts",
        "the green transition is a scam that makes a few people rich",
        "cutting our emissions is pointless while other countries keep polluting",
        "heat pumps do not work in a real winter",
        "the electric car mandate will leave people unable to drive",
    ],
    "5_science_unreliable": [
        "the climate models have been wrong for thirty years",
        "the temperature records have been adjusted to show warming",
        "there is no scientific consensus, that number was made up",
        "the hockey stick graph was debunked long ago",
        "scientists cannot predict the weather next week, let alone in a century",
        "the data from weather stations is contaminated by city heat",
        "climate science is built on computer simulations, not evidence",
        "the IPCC reports are political documents, not science",
        "the satellite data shows far less warming than the models claim",
        "peer review in climate science is a closed club that blocks dissent",
        "the uncertainty is so large that the projections mean nothing",
        "the measurements of CO2 in the past are unreliable guesses",
    ],
    "6_proponents_biased": [
        "climate scientists are only in it for the grant money",
        "the activists fly private jets to lecture us about emissions",
        "the media hype climate fear because it sells",
        "this is all about control, they want to tax every breath we take",
        "green groups are funded by people who profit from the transition",
        "the politicians pushing this have never worked a real job",
        "the climate movement is a religion for the rich",
        "the researchers who disagree are silenced and lose their careers",
        "the elites want us to eat insects while they eat steak",
        "the climate agenda is pushed by bankers who will sell the carbon credits",
        "the campaigners exaggerate everything to get donations",
        "the experts on television are paid to repeat the same story",
    ],
    "7_fossil_fuels_needed": [
        "we need coal and gas to keep the lights on",
        "oil is the foundation of our prosperity and always will be",
        "without fossil fuels billions would fall back into poverty",
        "natural gas is the only reliable energy for our industry",
        "our country must drill more to secure its energy independence",
        "fossil fuels made modern medicine and agriculture possible",
        "the world will need oil for decades to come, like it or not",
        "shutting the coal plants will put thousands out of work",
        "cheap energy from gas is what keeps our factories competitive",
        "developing nations have every right to burn coal as we did",
        "there is no replacement for diesel in farming and trucking",
        "new pipelines are essential to keep heating affordable",
    ],
}

OPENERS = [
    "",
    "Let's be honest: ",
    "As I told the committee, ",
    "Frankly, ",
    "The truth is that ",
    "I said it on the radio this morning: ",
    "According to our spokesperson, ",
    "People need to hear this: ",
]
CLOSERS = ["", " Everyone knows it.", " That is simply a fact.", " Look it up.", " Full stop."]


def _sentence(opener: str, claim: str, closer: str) -> str:
    text = f"{opener}{claim}." if opener else f"{claim[0].upper()}{claim[1:]}."
    return text + closer


def generate(per_label: int = PER_LABEL, seed: int = SEED) -> tuple[list[str], list[str]]:
    """(quotes, labels), `per_label` distinct quotes for each of the eight labels."""
    rng = random.Random(seed)
    quotes: list[str] = []
    labels: list[str] = []
    for label, claims in CLAIMS.items():
        combos = [(o, c, e) for c in claims for o in OPENERS for e in CLOSERS]
        for opener, claim, closer in rng.sample(combos, per_label):
            quotes.append(_sentence(opener, claim, closer))
            labels.append(label)
    order = list(range(len(quotes)))
    rng.shuffle(order)
    return [quotes[i] for i in order], [labels[i] for i in order]

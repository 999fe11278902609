"""Realistic, CRM-neutral people whose conversion really depends on their attributes, so a model can learn.

Conversion follows a logistic model over seniority, company size, engagement and recency, plus noise, tuned
so a good model reaches a ROC AUC of roughly 0.8-0.9 at a 15-30% base rate. `gender` is drawn independently
of everything that drives conversion: it is there for the protected-attribute guard to exclude.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterator

FIRST_NAMES = ("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
               "Joseph Jessica Thomas Sarah Carlos Maria Wei Mei Arjun Priya Lukas Anna Yuki Sofia Omar Fatima "
               "Noah Emma Liam Olivia Mateo Chloe Ivan Elena Kwame Amara").split()
LAST_NAMES = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson "
              "Anderson Thomas Taylor Moore Jackson Martin Lee Chen Wang Patel Kumar Muller Schmidt Rossi Silva "
              "Tanaka Sato Kim Park Nguyen Okafor Mensah Novak Ivanova Dubois Larsen Cohen").split()
COMPANY_WORDS = ("Acme Globex Initech Umbrella Stark Wayne Hooli Vandelay Soylent Cyberdyne Tyrell Wonka Aperture "
                 "Gringotts Oscorp Massive Dynamic Nimbus Blue Sky Northwind Contoso Fabrikam Litware Proseware").split()
COMPANY_SUFFIXES = ("Inc", "LLC", "Ltd", "GmbH", "Group", "Labs", "Systems", "Partners")
INDUSTRIES = {"Software": 0.5, "Financial Services": 0.3, "Healthcare": 0.1, "Manufacturing": -0.1,
              "Retail": -0.3, "Education": -0.5, "Government": -0.6, "Media": 0.0}
COUNTRIES = ("United States", "United Kingdom", "Germany", "France", "Canada", "Australia", "India", "Brazil",
             "Japan", "Netherlands")
COUNTRY_WEIGHTS = (35, 12, 9, 7, 7, 5, 10, 6, 5, 4)
SOURCES = {"ORGANIC_SEARCH": 0.2, "PAID_SEARCH": 0.0, "REFERRALS": 0.8, "SOCIAL_MEDIA": -0.4,
           "EMAIL_MARKETING": 0.1, "DIRECT_TRAFFIC": 0.3, "OFFLINE": -0.2}
SENIORITY = {"entry": -0.9, "manager": 0.0, "director": 0.5, "vp": 0.8, "c_level": 0.9}
SENIORITY_WEIGHTS = (35, 30, 17, 10, 8)
TITLES = {"entry": ("Analyst", "Associate", "Coordinator", "Specialist"),
          "manager": ("Marketing Manager", "Sales Manager", "Product Manager", "IT Manager"),
          "director": ("Director of Marketing", "Director of Sales", "Director of Operations"),
          "vp": ("VP Sales", "VP Marketing", "VP Engineering"),
          "c_level": ("CEO", "CFO", "CTO", "COO")}
HISTORY_DAYS = 730
BASE_LOGIT = -3.0  # tuned for a ~20% conversion rate over the population below


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    phone: str
    job_title: str
    seniority: str
    company: str
    industry: str
    employees: int
    annual_revenue: int
    country: str
    lead_source: str
    page_views: int
    visits: int
    pricing_page_views: int
    email_opens: int
    email_clicks: int
    form_submissions: int
    days_since_last_activity: int
    created_at: datetime
    converted: bool
    converted_at: datetime | None
    gender: str
    owner_index: int
    propensity: float  # the chance of converting that `logit` gives; also drives conversions in `days.py`


def generate_people(n: int, seed: int = 0, now: datetime | None = None) -> Iterator[Person]:
    """`n` people, the same ones for the same seed (and `now`)."""
    if n < 0:
        raise ValueError("n must not be negative")
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    for index in range(n):
        yield _person(rng, index, seed, now)


def _person(rng: random.Random, index: int, seed: int, now: datetime) -> Person:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    seniority = rng.choices(tuple(SENIORITY), SENIORITY_WEIGHTS)[0]
    industry = rng.choice(tuple(INDUSTRIES))
    source = rng.choice(tuple(SOURCES))
    employees = int(min(100_000, max(1, rng.lognormvariate(4.5, 1.6))))
    interest = rng.gauss(0, 1)  # hidden intent: drives engagement and conversion together
    visits = max(1, int(rng.expovariate(1 / (3 + 2 * max(interest, -1)))))
    page_views = visits + int(rng.expovariate(1 / (2 + visits * 1.5)))
    pricing = int(max(0.0, rng.gauss(0.8 * interest + 0.5, 1.2)))
    opens = int(rng.expovariate(1 / 6))
    clicks = min(opens, round(opens * (0.15 + 0.08 * max(interest, 0)) * rng.uniform(0.4, 1.6)))
    forms = int(max(0.0, rng.gauss(0.5 + 0.6 * interest, 0.8)))
    recency = int(rng.expovariate(1 / (20 + 40 * (interest < 0))))
    logit = (BASE_LOGIT + SENIORITY[seniority] + INDUSTRIES[industry] + SOURCES[source]
             + 0.35 * math.log10(employees) + 0.45 * min(pricing, 5) + 0.12 * min(clicks, 10)
             + 0.5 * min(forms, 4) - 0.015 * min(recency, 120) + 0.9 * interest + rng.gauss(0, 0.6))
    propensity = 1 / (1 + math.exp(-logit))
    converted = rng.random() < propensity
    created = now - timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86400))
    converted_at = None
    if converted:
        converted_at = min(now, created + timedelta(days=rng.uniform(3, 120)))
    company = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIXES)}"
    domain = company.split()[0].lower()
    return Person(
        first_name=first, last_name=last,
        email=f"{first.lower()}.{last.lower()}.{seed}x{index}@{domain}.example.com",
        phone=f"+1-555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        job_title=rng.choice(TITLES[seniority]), seniority=seniority, company=company, industry=industry,
        employees=employees, annual_revenue=int(employees * rng.uniform(80_000, 250_000)),
        country=rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0], lead_source=source, page_views=page_views,
        visits=visits, pricing_page_views=pricing, email_opens=opens, email_clicks=clicks, form_submissions=forms,
        days_since_last_activity=recency, created_at=created, converted=converted, converted_at=converted_at,
        gender=rng.choice(("female", "male", "female", "male", "non_binary")), owner_index=rng.randrange(5),
        propensity=propensity)

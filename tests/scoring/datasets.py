"""Synthetic lead data sets of several shapes, for checking that nothing is tied to one data set.

Each generator returns (frame, facts) where facts names the target, its positive value and the columns a
correct pipeline must exclude, so tests read like "train on an unseen CSV, the planted leak is caught".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

TITLES_LEVEL = ["", "Senior ", "Junior ", "Head of ", "VP ", "Chief ", "Lead ", "Assistant "]
TITLES_ROLE = ["Engineer", "Developer", "Marketing Manager", "Sales Director", "Analyst", "Student",
               "Intern", "Accountant", "Designer", "Product Owner", "Teacher", "Nurse", "Founder", "Consultant"]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def b2b_leads(n: int = 3000, seed: int = 1, shift: float = 0.0) -> tuple[pd.DataFrame, dict]:
    """CRM-style: ids, emails, job titles, junk in numbers, a creation date, a planted leak, a protected column.
    About half convert; `shift` moves every lead's log-odds (-3.2: about 10% convert)."""
    rng = np.random.default_rng(seed)
    title = np.array([rng.choice(TITLES_LEVEL) + rng.choice(TITLES_ROLE) for _ in range(n)], dtype=object)
    senior = pd.Series(title).str.contains("Chief|VP|Head|Director|Founder").to_numpy()
    visits = rng.poisson(3, n)
    size = rng.lognormal(4, 1.2, n).round()
    industry = rng.choice(["Healthcare", "Retail", "Software", "Finance", "Education", "N/A"], n,
                          p=[.2, .2, .25, .15, .1, .1])
    newsletter = rng.choice(["Yes", "No"], n)
    gender = rng.choice(["F", "M", "X"], n, p=[.48, .48, .04])
    created = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    z = (0.8 * visits - 0.03 * visits ** 2 + 2.0 * senior + 1.0 * (industry == "Software")
         - 1.2 * (industry == "Education") + 0.6 * (newsletter == "Yes") + 0.3 * np.log1p(size))
    z = z - np.median(z) + shift
    y = rng.random(n) < _sigmoid(z)
    # A field sales fill in after the call: nearly decides the outcome on its own.
    rating = np.where(y, rng.choice(["Hot", "Warm"], n, p=[.9, .1]), rng.choice(["Cold", "Warm"], n, p=[.9, .1]))
    size_text = size.astype(object)
    size_text[rng.random(n) < 0.03] = "abc"
    size_text[rng.random(n) < 0.05] = "unknown"
    frame = pd.DataFrame({
        "lead_id": [f"L-{100000 + i}" for i in range(n)],
        "Work Email": [f"user{i}@example{i % 50}.com" for i in range(n)],
        "Job Title": title, "Pricing page visits": visits, "company_size": size_text, "Industry": industry,
        "Newsletter": newsletter, "Gender": gender, "Created Date": created.strftime("%Y-%m-%d"),
        "rep_rating": rating, "became_customer": np.where(y, "Y", "N"),
    })
    facts = {"target": "became_customer", "positive": None, "id": "lead_id", "leak": "rep_rating",
             "protected": "Gender", "identifiers": ["lead_id", "Work Email"], "date": "Created Date"}
    return frame, facts


def consumer_signups(n: int = 2500, seed: int = 2) -> tuple[pd.DataFrame, dict]:
    """Other names and encodings: a text outcome named by --positive, phones, notes, high-cardinality cities."""
    rng = np.random.default_rng(seed)
    cities = np.array([f"Town {i}" for i in range(300)])
    city = cities[np.minimum(rng.zipf(1.6, n) - 1, 299)]
    minutes = rng.exponential(8, n)
    minutes[rng.random(n) < 0.1] = np.nan
    plan = rng.choice(["free", "basic", "pro", "Select"], n, p=[.4, .3, .2, .1])
    emails_opened = rng.integers(0, 10, n)
    age = rng.integers(18, 80, n)
    z = -2.2 + 0.2 * np.nan_to_num(minutes, nan=2) + 1.5 * (plan == "pro") + 0.3 * emails_opened
    y = rng.random(n) < _sigmoid(z)
    notes = [f"Called on day {i % 28}, left a message about the offer and will follow up later" for i in range(n)]
    frame = pd.DataFrame({
        "Phone": [f"+44 20 {rng.integers(1000, 9999)} {rng.integers(1000, 9999)}" for _ in range(n)],
        "city": city, "minutes_on_site": minutes, "plan": plan, "emails opened": emails_opened, "Age": age,
        "notes": notes, "Result": np.where(y, "bought", "browsed"),
    })
    frame.loc[rng.random(n) < 0.05, "Result"] = ""   # no outcome yet: scored, not trained on
    facts = {"target": "Result", "positive": "bought", "id": None, "leak": None, "protected": "Age",
             "identifiers": ["Phone", "notes"], "date": None}
    return frame, facts


def tiny_history(n: int = 120, seed: int = 3) -> tuple[pd.DataFrame, dict]:
    """Too little history for a learned model: the points model takes over."""
    rng = np.random.default_rng(seed)
    webinar = rng.choice(["true", "false"], n)
    downloads = rng.integers(0, 6, n)
    source = rng.choice(["Ads", "Referral", "Organic"], n)
    z = -1.5 + 1.2 * (webinar == "true") + 0.4 * downloads + 0.8 * (source == "Referral")
    y = rng.random(n) < _sigmoid(z)
    frame = pd.DataFrame({"attended_webinar": webinar, "downloads": downloads, "source": source,
                          "qualified": np.where(y, "true", "false")})
    return frame, {"target": "qualified", "positive": None, "id": None, "leak": None, "protected": None,
                   "identifiers": [], "date": None}


def bank_marketing_like(n: int = 12000, seed: int = 5) -> tuple[pd.DataFrame, dict]:
    """A larger campaign set in the shape of the public bank-marketing data: coded categoricals ("unknown"),
    a 999 "never contacted" code, and effects that are thresholds and interactions (trees do well)."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 90, n)
    job = rng.choice(["admin.", "blue-collar", "technician", "services", "management", "retired", "student",
                      "unemployed", "unknown"], n, p=[.25, .22, .16, .1, .08, .06, .05, .05, .03])
    default = rng.choice(["no", "unknown", "yes"], n, p=[.79, .2, .01])
    contact = rng.choice(["cellular", "telephone"], n, p=[.64, .36])
    month = rng.choice(["mar", "apr", "may", "jun", "jul", "aug", "oct", "nov", "dec"], n)
    duration = rng.exponential(250, n).round()
    campaign = rng.geometric(0.4, n)
    pdays = np.where(rng.random(n) < 0.9, 999, rng.integers(0, 27, n))
    rate = rng.choice([1.3, 4.1, 4.9, 4.96, 0.7], n, p=[.2, .1, .5, .15, .05])
    z = (-3.0 + 1.2 * (duration > 300) + 1.0 * (duration > 600) - 1.5 * (duration < 60) + 1.4 * (pdays < 999)
         - 1.2 * (rate > 4) + 0.7 * np.isin(month, ["mar", "oct", "dec"]) + 1.2 * ((age > 60) | (job == "student"))
         - 0.6 * (contact == "telephone") - 0.15 * np.minimum(campaign, 6) - 0.5 * (default == "unknown")
         + 1.2 * (pdays < 999) * (rate < 2) - 1.0 * (age < 25) * (job != "student"))
    y = rng.random(n) < _sigmoid(z)
    frame = pd.DataFrame({"age": age, "job": job, "default": default, "contact": contact, "month": month,
                          "duration": duration, "campaign": campaign, "pdays": pdays, "euribor3m": rate,
                          "y": np.where(y, "yes", "no")})
    return frame, {"target": "y", "positive": "yes", "id": None, "leak": None, "protected": None,
                   "identifiers": [], "date": None}


def small_imbalanced(n: int = 5800, columns: int = 85, seed: int = 6) -> tuple[pd.DataFrame, dict]:
    """Few rows, about 6% positives, many coded numeric columns each carrying a little linear signal: a
    regularised logistic regression beats trees here."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 10, (n, columns)).astype(float)
    weights = rng.normal(0, 0.06, columns)
    z = -3.4 + (X - 4.5) @ weights
    y = rng.random(n) < _sigmoid(z)
    frame = pd.DataFrame(X.astype(int), columns=[f"C{i:02d}" for i in range(columns)])
    frame["target"] = y.astype(int)
    return frame, {"target": "target", "positive": None, "id": None, "leak": None, "protected": None,
                   "identifiers": [], "date": None}

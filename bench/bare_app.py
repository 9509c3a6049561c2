"""The upper bound for the throughput comparison: bare Flask + Jinja rendering the same 24 products
(list) and one product (detail) from an in-memory list, no database, no extensions.

BENCH_BARE_PRODUCTS names a JSON file with the products (written by bench.catalog).
"""
import json
import os

from flask import Flask, abort

LIST = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Sản phẩm</title>
<link rel="stylesheet" href="/static/css/app.css"></head><body><main><h1>Tất cả sản phẩm</h1><ul class="cards">
{% for p in products %}<li class="card product"><a href="/products/{{ p.slug }}">
<img src="/static/img/product.svg" alt="" width="320" height="240" loading="lazy"><h3>{{ p.name }}</h3></a>
<p class="price">{{ p.price }} / {{ p.unit }}</p><p class="coop">{{ p.coop }}</p></li>{% endfor %}
</ul></main></body></html>"""
DETAIL = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ p.name }}</title>
<link rel="stylesheet" href="/static/css/app.css"></head><body><main><h1>{{ p.name }}</h1>
<img src="/static/img/product.svg" alt="" width="640" height="480"><p class="price">{{ p.price }} / {{ p.unit }}</p>
<p>{{ p.description }}</p><p class="coop">{{ p.coop }}</p></main></body></html>"""

app = Flask(__name__)
LIST_TEMPLATE, DETAIL_TEMPLATE = app.jinja_env.from_string(LIST), app.jinja_env.from_string(DETAIL)
with open(os.environ["BENCH_BARE_PRODUCTS"], encoding="utf-8") as source:
    PRODUCTS = json.load(source)
BY_SLUG = {product["slug"]: product for product in PRODUCTS}


@app.get("/products")
def product_list():
    return LIST_TEMPLATE.render(products=PRODUCTS)


@app.get("/products/<slug>")
def product_detail(slug):
    if slug not in BY_SLUG:
        abort(404)
    return DETAIL_TEMPLATE.render(p=BY_SLUG[slug])

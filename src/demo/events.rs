//! Generating the shop's events: one function per topic, each returning the
//! record's key, value and headers.

use serde_json::json;

use super::catalog::{pick, Catalog};

/// A generated record, owned.
pub struct Event {
    pub topic: &'static str,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(&'static str, Vec<u8>)>,
}

fn json_event(topic: &'static str, key: String, value: serde_json::Value) -> Event {
    Event {
        topic,
        key: Some(key.into_bytes()),
        value: Some(value.to_string().into_bytes()),
        headers: vec![("content-type", b"application/json".to_vec())],
    }
}

pub fn order(
    rng: &mut fastrand::Rng,
    c: &Catalog,
    seq: u64,
    at: chrono::DateTime<chrono::Utc>,
) -> Event {
    let customer = pick(rng, &c.customers);
    let items: Vec<_> = (0..rng.usize(1..4))
        .map(|_| {
            let p = pick(rng, &c.products);
            json!({"sku": p.sku, "name": p.name, "qty": rng.u32(1..4), "price": p.price})
        })
        .collect();
    let total: f64 = items
        .iter()
        .map(|i| i["price"].as_f64().unwrap_or(0.0) * i["qty"].as_f64().unwrap_or(0.0))
        .sum();
    json_event(
        "orders",
        format!("customer-{}", customer.to_lowercase().replace(' ', "-")),
        json!({
            "type": "order.created",
            "order_id": format!("ORD-{seq:06}"),
            "customer": customer,
            "city": pick(rng, &c.cities),
            "items": items,
            "total": (total * 100.0).round() / 100.0,
            "currency": "EUR",
            "created_at": at.to_rfc3339(),
        }),
    )
}

pub fn payment(rng: &mut fastrand::Rng, c: &Catalog, seq: u64) -> Event {
    let status = if rng.u8(..100) < 6 {
        "declined"
    } else {
        "captured"
    };
    json_event(
        "payments",
        format!("ORD-{seq:06}"),
        json!({
            "type": format!("payment.{status}"),
            "payment_id": format!("PAY-{:08x}", rng.u32(..)),
            "order_id": format!("ORD-{seq:06}"),
            "method": pick(rng, &c.payment_methods),
            "amount": (rng.f64() * 200.0 * 100.0).round() / 100.0,
            "status": status,
        }),
    )
}

pub fn shipment(rng: &mut fastrand::Rng, c: &Catalog, seq: u64) -> Event {
    let status = *pick(
        rng,
        &["label_created", "picked_up", "in_transit", "delivered"],
    );
    json_event(
        "shipments",
        format!("ORD-{seq:06}"),
        json!({
            "type": format!("shipment.{status}"),
            "order_id": format!("ORD-{seq:06}"),
            "carrier": pick(rng, &c.carriers),
            "tracking": format!("{:012}", rng.u64(..1_000_000_000_000)),
            "status": status,
        }),
    )
}

pub fn click(rng: &mut fastrand::Rng, c: &Catalog) -> Event {
    let session = format!("sess-{:05}", rng.u32(..3000));
    json_event(
        "clickstream",
        session.clone(),
        json!({
            "session": session,
            "event": pick(rng, &["page_view", "click", "scroll", "add_to_cart"]),
            "page": pick(rng, &c.pages),
            "ms_on_page": rng.u32(50..30_000),
        }),
    )
}

/// Bytes that are not text: control characters, an ANSI escape, invalid
/// UTF-8. Exactly what a viewer must show safely.
pub fn blob(rng: &mut fastrand::Rng) -> Event {
    let mut value: Vec<u8> = (0..rng.usize(16..96)).map(|_| rng.u8(..)).collect();
    value.extend_from_slice(b"\x1b[31mnot a colour\x1b[0m\x07\xff\xfe");
    Event {
        topic: "binary-blobs",
        key: Some(format!("blob-{:04}", rng.u32(..10_000)).into_bytes()),
        value: Some(value),
        headers: vec![("content-type", b"application/octet-stream".to_vec())],
    }
}

/// Latest stock per SKU; a null value (tombstone) deletes it, as a
/// compacted changelog would.
pub fn inventory(rng: &mut fastrand::Rng, c: &Catalog) -> Event {
    let p = pick(rng, &c.products);
    let value = (rng.u8(..100) >= 35).then(|| {
        json!({"sku": p.sku, "in_stock": rng.u32(..500)})
            .to_string()
            .into_bytes()
    });
    Event {
        topic: "inventory-snapshots",
        key: Some(p.sku.clone().into_bytes()),
        value,
        headers: vec![],
    }
}

/// Spans with tracing headers, one of them binary.
pub fn span(rng: &mut fastrand::Rng) -> Event {
    let trace = format!("{:032x}", rng.u128(..));
    let span = format!("{:016x}", rng.u64(..));
    Event {
        topic: "tracing-spans",
        key: None,
        value: Some(
            json!({"trace_id": trace, "span_id": span, "name": pick(rng, &["GET /cart", "charge", "reserve_stock"]), "duration_ms": rng.u32(1..900)})
                .to_string()
                .into_bytes(),
        ),
        headers: vec![
            ("traceparent", format!("00-{trace}-{span}-01").into_bytes()),
            ("x-sampled", b"1".to_vec()),
            ("x-raw-span-id", rng.u64(..).to_be_bytes().to_vec()),
        ],
    }
}

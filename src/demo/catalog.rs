//! The shop's vocabulary, from assets/demo/catalog.toml.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub price: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Catalog {
    pub customers: Vec<String>,
    pub cities: Vec<String>,
    pub products: Vec<Product>,
    pub pages: Vec<String>,
    pub carriers: Vec<String>,
    pub payment_methods: Vec<String>,
}

impl Catalog {
    pub fn embedded() -> anyhow::Result<Catalog> {
        Ok(toml::from_str(include_str!(
            "../../assets/demo/catalog.toml"
        ))?)
    }
}

pub fn pick<'a, T>(rng: &mut fastrand::Rng, v: &'a [T]) -> &'a T {
    &v[rng.usize(..v.len())]
}

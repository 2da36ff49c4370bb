//! One declaration per shape of an Automerge document. A `shape!` table lists, for each field
//! of a Rust struct, its key in the document, its codec and whether it is legally significant;
//! from it come the writer, the reader (which reports concurrent different values of a legal
//! field as a `Conflict`), the list of legal paths, and one typed `Field` constant per key for
//! the edits that write a single field.
//!
//! Why not autosurgeon's `Hydrate`/`Reconcile`: hydrating picks one of concurrent values, so
//! "a legal field set to two values is a conflict, not a silent winner" would need a second,
//! hand-written pass over the same keys, which is the duplication this removes. Its encodings
//! also differ from schema 1, which stored documents fix: findings and inquiry records are text
//! objects inside plain `String` fields, `decision.other` is one string of kind names joined by `;`, dates
//! are ISO strings, absent optionals are `Null`, and `Option<Decision>` is "the decision map
//! with a date". Reconciling a whole struct per edit would also rewrite (and diff) every field,
//! where an edit here writes only the keys it changes, so two phones editing different dates do
//! not touch each other's keys. A `macro_rules!` table keeps the layout exact, needs no new
//! dependency, and reads a legal field with one `get_all` and no allocation unless it conflicts.

use std::fmt;
use std::marker::PhantomData;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use chrono::NaiveDate;

use super::{CaseError, Conflict};

pub(crate) type Am<T> = Result<T, automerge::AutomergeError>;

pub(crate) fn am(_: automerge::AutomergeError) -> CaseError {
    CaseError::Corrupt
}

/// Where an object sits in the document; rendered (`parties.0`) only to name a conflict.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, index) => write!(f, "{parent}.{index}"),
        }
    }
}

/// Reads a document, collecting the conflicts on legal fields as it goes.
pub(crate) struct Reader<'a> {
    pub doc: &'a AutoCommit,
    pub conflicts: Vec<Conflict>,
    /// Names a conflicting field for a person; the document's layout knows its fields.
    pub label: fn(&str) -> String,
}

impl<'a> Reader<'a> {
    pub fn new(doc: &'a AutoCommit) -> Reader<'a> {
        Reader {
            doc,
            conflicts: Vec::new(),
            label: |path| path.to_owned(),
        }
    }

    /// The value at `key` of `obj` (the winner among concurrent ones); for a legal field,
    /// different concurrent values are recorded as a conflict at `at.key`.
    pub fn value(
        &mut self,
        obj: &ObjId,
        key: &str,
        at: &Path<'_>,
        legal: bool,
    ) -> Option<Value<'a>> {
        let doc = self.doc;
        if !legal {
            return doc.get(obj, key).ok().flatten().map(|(v, _)| v);
        }
        // `get` is the last of `get_all`: one lookup serves both.
        let mut all = doc.get_all(obj, key).ok()?;
        if all.len() > 1 {
            let mut values: Vec<String> = all.iter().map(|(v, _)| render(v)).collect();
            values.sort();
            values.dedup();
            if values.len() > 1 {
                let field = Path::Key(at, key).to_string();
                self.conflicts.push(Conflict {
                    label: (self.label)(&field),
                    field,
                    values,
                });
            }
        }
        all.pop().map(|(v, _)| v)
    }

    /// The object at `key` of `obj`, of any type.
    pub fn object(&self, obj: &ObjId, key: &str) -> Option<ObjId> {
        match self.doc.get(obj, key) {
            Ok(Some((Value::Object(_), id))) => Some(id),
            _ => None,
        }
    }
}

/// A value as people read it in a conflict.
pub(crate) fn render(value: &Value<'_>) -> String {
    match value {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(t) => t.to_string(),
            ScalarValue::Int(i) => i.to_string(),
            ScalarValue::Uint(u) => u.to_string(),
            ScalarValue::Boolean(b) => b.to_string(),
            ScalarValue::Null => String::new(),
            other => format!("{other:?}"),
        },
        Value::Object(kind) => format!("{kind:?}"),
    }
}

/// How one Rust value is kept at one key of a map.
pub(crate) trait Codec {
    type Value;
    fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &Self::Value) -> Am<()>;
    /// `None` when a required value is missing or unreadable: the enclosing shape is unreadable.
    fn get(
        r: &mut Reader<'_>,
        obj: &ObjId,
        key: &str,
        at: &Path<'_>,
        legal: bool,
    ) -> Option<Self::Value>;
    /// The legal paths at and below `path` (`*` for any list index or map key).
    fn legal_paths(path: String, legal: bool, out: &mut Vec<String>) {
        if legal {
            out.push(path);
        }
    }
}

/// A codec of one scalar value.
pub(crate) trait Scalar {
    type Value;
    fn encode(value: &Self::Value) -> ScalarValue;
    /// From what is stored (`None`: nothing); `None` back when a required value is missing.
    fn decode(stored: Option<Value<'_>>) -> Option<Self::Value>;
}

impl<S: Scalar> Codec for S {
    type Value = S::Value;
    fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &S::Value) -> Am<()> {
        doc.put(obj, key, S::encode(value))
    }
    fn get(
        r: &mut Reader<'_>,
        obj: &ObjId,
        key: &str,
        at: &Path<'_>,
        legal: bool,
    ) -> Option<S::Value> {
        S::decode(r.value(obj, key, at, legal))
    }
}

/// A codec of an object at its key (list, map or text).
pub(crate) trait Object: Codec {
    const TYPE: ObjType;
}

/// A struct kept as a map, declared with `shape!`.
pub(crate) trait Shape: Sized {
    /// Writes every stored field into the map `obj`.
    fn write(&self, doc: &mut AutoCommit, obj: &ObjId) -> Am<()>;
    /// Reads the map `obj` found at `at`; `legal` makes every field legally significant.
    fn read(r: &mut Reader<'_>, obj: &ObjId, at: &Path<'_>, legal: bool) -> Option<Self>;
    fn legal_paths(prefix: &str, legal: bool, out: &mut Vec<String>);
}

/// One key of a shape with its codec, for edits that write or find a single field.
pub(crate) struct Field<C> {
    key: &'static str,
    codec: PhantomData<fn() -> C>,
}

impl<C> Clone for Field<C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C> Copy for Field<C> {}

impl<C: Codec> Field<C> {
    pub const fn new(key: &'static str) -> Field<C> {
        Field {
            key,
            codec: PhantomData,
        }
    }

    pub fn key(self) -> &'static str {
        self.key
    }

    pub fn put(self, doc: &mut AutoCommit, obj: &ObjId, value: &C::Value) -> Result<(), CaseError> {
        C::put(doc, obj, self.key, value).map_err(am)
    }

    /// The current value, without looking for conflicts.
    pub fn get(self, doc: &AutoCommit, obj: &ObjId) -> Option<C::Value> {
        C::get(&mut Reader::new(doc), obj, self.key, &Path::Root, false)
    }
}

impl<C: Object> Field<C> {
    /// A new empty object at this key.
    pub fn create(self, doc: &mut AutoCommit, obj: &ObjId) -> Result<ObjId, CaseError> {
        doc.put_object(obj, self.key, C::TYPE).map_err(am)
    }

    /// The object at this key; a document without it is damaged.
    pub fn obj(self, doc: &AutoCommit, obj: &ObjId) -> Result<ObjId, CaseError> {
        Reader::new(doc)
            .object(obj, self.key)
            .ok_or(CaseError::Corrupt)
    }
}

impl<S: Shape> Field<List<S>> {
    /// Appends a map holding `value`.
    pub fn push(self, doc: &mut AutoCommit, obj: &ObjId, value: &S) -> Result<(), CaseError> {
        let list = self.obj(doc, obj)?;
        let at = doc.length(&list);
        let map = doc.insert_object(&list, at, ObjType::Map).map_err(am)?;
        value.write(doc, &map).map_err(am)
    }

    /// The map at `index`.
    pub fn entry(self, doc: &AutoCommit, obj: &ObjId, index: usize) -> Result<ObjId, CaseError> {
        match doc.get(&self.obj(doc, obj)?, index).map_err(am)? {
            Some((Value::Object(_), id)) => Ok(id),
            _ => Err(CaseError::NoSuchEntry),
        }
    }

    /// Every map in the list, in order.
    pub fn entries(self, doc: &AutoCommit, obj: &ObjId) -> Result<Vec<ObjId>, CaseError> {
        let list = self.obj(doc, obj)?;
        Ok(entries(doc, &list).map(|(_, id)| id).collect())
    }
}

impl Field<Strings> {
    /// Appends one string.
    pub fn push(self, doc: &mut AutoCommit, obj: &ObjId, value: &str) -> Result<(), CaseError> {
        let list = self.obj(doc, obj)?;
        let at = doc.length(&list);
        doc.insert(&list, at, value).map_err(am)
    }
}

/// The objects of a list with their indices; other entries are skipped.
fn entries<'a>(doc: &'a AutoCommit, list: &'a ObjId) -> impl Iterator<Item = (usize, ObjId)> + 'a {
    (0..doc.length(list)).filter_map(move |i| match doc.get(list, i) {
        Ok(Some((Value::Object(_), id))) => Some((i, id)),
        _ => None,
    })
}

/// A field is legal if declared so or inside a legal field (a function, so that a literal
/// `true` or `false` from a table is no lint).
pub(crate) fn either(inherited: bool, declared: bool) -> bool {
    inherited || declared
}

/// Declares how a struct is kept as a map: `legal`? `field: "key" => Codec,` per stored field
/// in reading order (which is the order conflicts are listed in), then `field = expr,` for
/// fields not stored. Generates `impl Shape` and a module of `Field` constants named after the
/// fields (`officer::withdrawn`).
macro_rules! shape {
    ($ty:ident in $module:ident { $($body:tt)* }) => {
        $crate::cases::shape::shape!(@fields $ty $module [] [] $($body)*);
    };
    (@fields $ty:ident $m:ident [$($f:tt)*] [$($u:tt)*]
        legal $field:ident: $key:literal => $codec:ty, $($rest:tt)*) => {
        $crate::cases::shape::shape!(@fields $ty $m [$($f)* ($field $key true $codec)] [$($u)*] $($rest)*);
    };
    (@fields $ty:ident $m:ident [$($f:tt)*] [$($u:tt)*]
        $field:ident: $key:literal => $codec:ty, $($rest:tt)*) => {
        $crate::cases::shape::shape!(@fields $ty $m [$($f)* ($field $key false $codec)] [$($u)*] $($rest)*);
    };
    (@fields $ty:ident $m:ident [$($f:tt)*] [$($u:tt)*] $field:ident = $value:expr, $($rest:tt)*) => {
        $crate::cases::shape::shape!(@fields $ty $m [$($f)*] [$($u)* ($field $value)] $($rest)*);
    };
    (@fields $ty:ident $m:ident [$(($field:ident $key:literal $legal:literal $codec:ty))*]
        [$(($unstored:ident $value:expr))*]) => {
        impl $crate::cases::shape::Shape for $ty {
            fn write(
                &self,
                doc: &mut automerge::AutoCommit,
                obj: &automerge::ObjId,
            ) -> $crate::cases::shape::Am<()> {
                $(<$codec as $crate::cases::shape::Codec>::put(doc, obj, $key, &self.$field)?;)*
                Ok(())
            }

            fn read(
                r: &mut $crate::cases::shape::Reader<'_>,
                obj: &automerge::ObjId,
                at: &$crate::cases::shape::Path<'_>,
                legal: bool,
            ) -> Option<$ty> {
                $(let $field =
                    <$codec as $crate::cases::shape::Codec>::get(r, obj, $key, at, $crate::cases::shape::either(legal, $legal))?;)*
                // Unstored fields first: their expressions may read the stored ones.
                Some($ty { $($unstored: $value,)* $($field,)* })
            }

            fn legal_paths(prefix: &str, legal: bool, out: &mut Vec<String>) {
                $(<$codec as $crate::cases::shape::Codec>::legal_paths(
                    format!("{prefix}{}", $key),
                    $crate::cases::shape::either(legal, $legal),
                    out,
                );)*
            }
        }

        #[allow(non_upper_case_globals, dead_code)]
        pub(crate) mod $m {
            use super::*;
            $(pub(crate) const $field: $crate::cases::shape::Field<$codec> =
                $crate::cases::shape::Field::new($key);)*
        }
    };
}
pub(crate) use shape;

/// Declares a scalar codec: its Rust type, how it is stored, how it is read back.
macro_rules! scalar {
    ($(#[$doc:meta])* $name:ident: $t:ty, |$v:ident| $encode:expr, |$s:ident| $decode:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;
        impl $crate::cases::shape::Scalar for $name {
            type Value = $t;
            fn encode($v: &$t) -> automerge::ScalarValue {
                $encode
            }
            fn decode($s: Option<automerge::Value<'_>>) -> Option<$t> {
                $decode
            }
        }
    };
}
pub(crate) use scalar;

fn text(stored: Option<Value<'_>>) -> Option<String> {
    stored.and_then(|v| v.as_str().map(str::to_owned))
}

fn null_or(value: Option<ScalarValue>) -> ScalarValue {
    value.unwrap_or(ScalarValue::Null)
}

scalar!(/// A string, empty when absent.
    Str: String, |v| v.as_str().into(), |s| Some(text(s).unwrap_or_default()));
scalar!(/// A string the shape cannot do without.
    ReqStr: String, |v| v.as_str().into(), |s| text(s));
scalar!(/// An optional string, `Null` when absent.
    OptStr: Option<String>, |v| null_or(v.as_deref().map(Into::into)), |s| Some(text(s)));
scalar!(/// A flag, false when absent.
    Bool: bool, |v| (*v).into(), |s| Some(s.and_then(|v| v.as_bool()).unwrap_or(false)));
scalar!(/// An amount, 0 when absent.
    Int: i64, |v| (*v).into(), |s| Some(s.and_then(|v| v.as_i64()).unwrap_or(0)));
scalar!(/// An optional amount, `Null` when absent.
    OptInt: Option<i64>, |v| null_or(v.map(Into::into)), |s| Some(s.and_then(|v| v.as_i64())));
scalar!(/// A size, stored unsigned and read as the shells' signed figure, 0 when absent.
    Uint: i64, |v| crate::signed::to_u64(*v).into(),
    |s| Some(s.and_then(|v| v.as_u64()).map_or(0, crate::signed::to_i64)));
scalar!(/// Bytes, empty when absent.
    Bytes: Vec<u8>, |v| ScalarValue::Bytes(v.clone()),
    |s| Some(s.and_then(|v| v.as_bytes().map(<[u8]>::to_vec)).unwrap_or_default()));
scalar!(/// A date the shape cannot do without, as `YYYY-MM-DD`.
    Date: NaiveDate, |v| v.to_string().into(), |s| text(s)?.parse().ok());
scalar!(/// An optional date, as `YYYY-MM-DD`.
    OptDate: Option<NaiveDate>, |v| null_or(v.map(|d| d.to_string().into())),
    |s| Some(text(s).and_then(|t| t.parse().ok())));
/// A string kept as a text object, merged character by character (never a conflict).
pub(crate) struct Text;

impl Codec for Text {
    type Value = String;
    fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &String) -> Am<()> {
        let text = doc.put_object(obj, key, ObjType::Text)?;
        if !value.is_empty() {
            doc.splice_text(&text, 0, 0, value)?;
        }
        Ok(())
    }
    fn get(r: &mut Reader<'_>, obj: &ObjId, key: &str, _: &Path<'_>, _: bool) -> Option<String> {
        Some(match r.doc.get(obj, key) {
            Ok(Some((Value::Object(ObjType::Text), id))) => r.doc.text(&id).unwrap_or_default(),
            _ => String::new(),
        })
    }
    fn legal_paths(_: String, _: bool, _: &mut Vec<String>) {}
}

impl Object for Text {
    const TYPE: ObjType = ObjType::Text;
}

/// Strings kept as a list; an absent list reads as empty.
pub(crate) struct Strings;

impl Codec for Strings {
    type Value = Vec<String>;
    fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &Vec<String>) -> Am<()> {
        let list = doc.put_object(obj, key, ObjType::List)?;
        for (i, item) in value.iter().enumerate() {
            doc.insert(&list, i, item.as_str())?;
        }
        Ok(())
    }
    fn get(
        r: &mut Reader<'_>,
        obj: &ObjId,
        key: &str,
        _: &Path<'_>,
        _: bool,
    ) -> Option<Vec<String>> {
        let Some(list) = r.object(obj, key) else {
            return Some(Vec::new());
        };
        let doc = r.doc;
        Some(
            (0..doc.length(&list))
                .filter_map(|i| text(doc.get(&list, i).ok().flatten().map(|(v, _)| v)))
                .collect(),
        )
    }
}

impl Object for Strings {
    const TYPE: ObjType = ObjType::List;
}

/// A list of maps of one shape; the list itself is required.
pub(crate) struct List<S>(PhantomData<S>);

impl<S: Shape> Codec for List<S> {
    type Value = Vec<S>;
    fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &Vec<S>) -> Am<()> {
        let list = doc.put_object(obj, key, ObjType::List)?;
        for (i, item) in value.iter().enumerate() {
            let map = doc.insert_object(&list, i, ObjType::Map)?;
            item.write(doc, &map)?;
        }
        Ok(())
    }
    fn get(
        r: &mut Reader<'_>,
        obj: &ObjId,
        key: &str,
        at: &Path<'_>,
        legal: bool,
    ) -> Option<Vec<S>> {
        let list = r.object(obj, key)?;
        let at = Path::Key(at, key);
        let doc = r.doc;
        Some(
            entries(doc, &list)
                .filter_map(|(i, map)| S::read(r, &map, &Path::Index(&at, i), legal))
                .collect(),
        )
    }
    fn legal_paths(path: String, legal: bool, out: &mut Vec<String>) {
        S::legal_paths(&format!("{path}.*."), legal, out);
    }
}

impl<S: Shape> Object for List<S> {
    const TYPE: ObjType = ObjType::List;
}

/// A list of maps of one shape added after schema 1's first documents: absent reads as empty,
/// and the first entry creates it (documents made since create it with the case, so replicas
/// never create it concurrently).
pub(crate) struct OptList<S>(PhantomData<S>);

impl<S: Shape> Codec for OptList<S> {
    type Value = Vec<S>;
    fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &Vec<S>) -> Am<()> {
        List::<S>::put(doc, obj, key, value)
    }
    fn get(
        r: &mut Reader<'_>,
        obj: &ObjId,
        key: &str,
        at: &Path<'_>,
        legal: bool,
    ) -> Option<Vec<S>> {
        if r.object(obj, key).is_none() {
            return Some(Vec::new());
        }
        List::<S>::get(r, obj, key, at, legal)
    }
    fn legal_paths(path: String, legal: bool, out: &mut Vec<String>) {
        List::<S>::legal_paths(path, legal, out);
    }
}

impl<S: Shape> Object for OptList<S> {
    const TYPE: ObjType = ObjType::List;
}

impl<S: Shape> Field<OptList<S>> {
    /// Appends a map holding `value`, creating the list in an older document.
    pub fn push(self, doc: &mut AutoCommit, obj: &ObjId, value: &S) -> Result<(), CaseError> {
        let list = match Reader::new(doc).object(obj, self.key) {
            Some(list) => list,
            None => self.create(doc, obj)?,
        };
        let at = doc.length(&list);
        let map = doc.insert_object(&list, at, ObjType::Map).map_err(am)?;
        value.write(doc, &map).map_err(am)
    }
}

/// A nested map of one shape; required.
pub(crate) struct Map<S>(PhantomData<S>);

impl<S: Shape> Codec for Map<S> {
    type Value = S;
    fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &S) -> Am<()> {
        let map = doc.put_object(obj, key, ObjType::Map)?;
        value.write(doc, &map)
    }
    fn get(r: &mut Reader<'_>, obj: &ObjId, key: &str, at: &Path<'_>, legal: bool) -> Option<S> {
        let map = r.object(obj, key)?;
        S::read(r, &map, &Path::Key(at, key), legal)
    }
    fn legal_paths(path: String, legal: bool, out: &mut Vec<String>) {
        S::legal_paths(&format!("{path}."), legal, out);
    }
}

impl<S: Shape> Object for Map<S> {
    const TYPE: ObjType = ObjType::Map;
}

/// A nested map that is always there and holds a value once its required fields are set.
pub(crate) struct OptMap<S>(PhantomData<S>);

impl<S: Shape> Codec for OptMap<S> {
    type Value = Option<S>;
    fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: &Option<S>) -> Am<()> {
        let map = doc.put_object(obj, key, ObjType::Map)?;
        value
            .as_ref()
            .map_or(Ok(()), |value| value.write(doc, &map))
    }
    fn get(
        r: &mut Reader<'_>,
        obj: &ObjId,
        key: &str,
        at: &Path<'_>,
        legal: bool,
    ) -> Option<Option<S>> {
        let map = r.object(obj, key)?;
        Some(S::read(r, &map, &Path::Key(at, key), legal))
    }
    fn legal_paths(path: String, legal: bool, out: &mut Vec<String>) {
        S::legal_paths(&format!("{path}."), legal, out);
    }
}

impl<S: Shape> Object for OptMap<S> {
    const TYPE: ObjType = ObjType::Map;
}

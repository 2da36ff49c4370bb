// ZhifaKit: what the iOS app imports. It re-exports the generated bindings (module `Zhifa`:
// the zhifa-ffi objects and the core's records) and adds the shell's own parts: the
// async sequences over the core's listeners, the platform keys and clock, and the optional
// URLSession transport. Nothing here holds a rule of the domain; those stay in the core.
@_exported import Zhifa

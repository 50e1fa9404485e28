import CKernels

/// Hands the pages of freed heap memory back to the system (glibc keeps them otherwise), so
/// that scratch released before a long computation, such as the tokenizer's, does not count
/// towards its peak resident memory.
func returnFreedMemoryToSystem() {
    gk_return_freed_memory()
}

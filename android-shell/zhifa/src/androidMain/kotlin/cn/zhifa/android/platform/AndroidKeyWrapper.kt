// The store's data key wrapped by an AES-256-GCM key kept in the Android Keystore; the
// wrapped bytes are the 12-byte IV, then the ciphertext and its 16-byte tag.
package cn.zhifa.android.platform

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import cn.zhifa.sdk.PlatformException
import cn.zhifa.sdk.PlatformKeyWrapper
import java.security.KeyStore
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

class AndroidKeyWrapper(private val alias: String = "zhifa-data-key-wrap") : PlatformKeyWrapper {
    private val keyStore = KeyStore.getInstance(PROVIDER).apply { load(null) }

    override fun wrap(key: ByteArray): ByteArray = guarded {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, secret()) // the Keystore picks the IV
        cipher.iv + cipher.doFinal(key)
    }

    override fun unwrap(wrapped: ByteArray): ByteArray {
        if (wrapped.size <= IV_BYTES) throw PlatformException.Refused()
        return try {
            guarded {
                val cipher = Cipher.getInstance(TRANSFORMATION)
                cipher.init(Cipher.DECRYPT_MODE, secret(), GCMParameterSpec(128, wrapped, 0, IV_BYTES))
                cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
            }
        } catch (e: AEADBadTagException) {
            throw PlatformException.Refused() // another device's wrapping, or altered
        }
    }

    private fun secret(): SecretKey {
        (keyStore.getKey(alias, null) as? SecretKey)?.let { return it }
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setKeySize(256)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER).run {
            init(spec)
            generateKey()
        }
    }

    private inline fun <T> guarded(block: () -> T): T = try {
        block()
    } catch (e: AEADBadTagException) {
        throw e
    } catch (e: PlatformException) {
        throw e
    } catch (e: Exception) {
        throw PlatformException.Unavailable(e.toString())
    }

    private companion object {
        const val PROVIDER = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
    }
}

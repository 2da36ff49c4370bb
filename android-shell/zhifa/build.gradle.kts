// The zhifa SDK for Android: the generated UniFFI bindings (package cn.zhifa.sdk), the
// per-ABI libzhifa_ffi.so, and the Kotlin layer over them (package cn.zhifa.android).
//
// Sources are split so that everything but the Android platform pieces is plain Kotlin:
//   src/main/kotlin       Flow adapters, the HttpURLConnection client, the sync policy;
//                         no android.* import, compiled and tested on the JVM by run-jvm-tests
//   src/androidMain/kotlin Android Keystore signer and key wrapper, the elapsed-realtime
//                         clock, the WorkManager worker: thin, Android-only
//   src/generated/kotlin  the UniFFI Kotlin, and src/main/jniLibs the libraries, both written
//                         by scripts/android (not committed)
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

android {
    namespace = "cn.zhifa.android"
    compileSdk = 35

    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            kotlin.srcDirs("src/main/kotlin", "src/androidMain/kotlin", "src/generated/kotlin")
            jniLibs.srcDir("src/main/jniLibs")
        }
        getByName("test") {
            kotlin.srcDirs("src/test/kotlin", rootProject.file("jvm-tests/support"))
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    testOptions {
        // The JVM tests drive the desktop libzhifa_ffi.so (scripts/bindings); run-jvm-tests
        // is the runner on machines without the Android SDK.
        unitTests.all {
            it.useJUnitPlatform()
            it.systemProperty("jna.library.path", System.getenv("ZHIFA_HOST_LIB_DIR") ?: "")
        }
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // JNA as an AAR carries its own libjnidispatch.so per ABI.
    implementation(libs.jna) { artifact { type = "aar" } }
    api(libs.kotlinx.coroutines.android)
    implementation(libs.work.runtime)

    testImplementation(libs.junit.jupiter)
    testRuntimeOnly(libs.junit.platform.launcher)
    testImplementation(libs.jna)
}

"""PySpark wrappers of the sparkformers stages (Java package ``io.sparkformers.ml``).

One class per Hugging Face task, each a ``JavaTransformer`` over the Java stage of the same name, with
the Java stage's Params under the same names and defaults. Every Param has a getter and a setter
(``getTopK``/``setTopK``) and can be given to the constructor or to ``setParams``::

    from sparkformers.ml import TextClassifier

    sentiment = TextClassifier(modelPath="/dbfs/models/distilbert-sst2", inputCol="text",
                               outputCol="sentiment", topK=2, handleInvalid="keep")
    sentiment.transform(spark.read.table("reviews"))

The sparkformers jar must be on the cluster (see ``notebooks/README.md``).
"""

import sys

from pyspark import keyword_only
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.util import JavaMLReadable, JavaMLReader, JavaMLWritable
from pyspark.ml.wrapper import JavaTransformer

__all__ = [
    "TextClassifier",
    "TokenClassifier",
    "QuestionAnswerer",
    "FeatureExtractor",
    "ImageClassifier",
    "ObjectDetector",
    "ImageSegmenter",
    "DepthEstimator",
    "AudioClassifier",
    "SpeechRecognizer",
    "TextGenerator",
    "Summarizer",
    "Translator",
]

# The Java side's NullableIntParam.NONE: Hugging Face's None (top_k=None: every label).
_NONE = -1


def _toNullableInt(value):
    """An int, or None as Hugging Face takes it (top_k=None)."""
    return _NONE if value is None else TypeConverters.toInt(value)


class _Params(Params):
    """Gives each Param a class declares a getter and a setter, so a Param is declared once, as in Java.

    ``_param_defaults`` holds a class's defaults, the Java stage's own; a subclass's override its bases'.
    """

    _param_defaults = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name, param in list(vars(cls).items()):
            if isinstance(param, Param):
                suffix = name[0].upper() + name[1:]
                for accessor in (_getter(name, param.doc), _setter(name, param.doc)):
                    accessor.__name__ += suffix
                    accessor.__qualname__ = cls.__qualname__ + "." + accessor.__name__
                    if accessor.__name__ not in vars(cls):
                        setattr(cls, accessor.__name__, accessor)


def _getter(name, doc):
    def get(self):
        return self.getOrDefault(name)

    get.__doc__ = "Gets " + name + ": " + doc
    return get


def _setter(name, doc):
    def set(self, value):
        return self._set(**{name: value})

    set.__doc__ = "Sets " + name + ": " + doc
    return set


# ---- Params shared by several stages, as the Java stages' base classes declare them


class _StageParams(_Params):
    """io.sparkformers.ml.InferenceStage: every stage's Params."""

    modelPath = Param(Params._dummy(), "modelPath",
                      "model folder (Hugging Face / Optimum ONNX layout): a local path or any Hadoop URI",
                      typeConverter=TypeConverters.toString)
    inputCol = Param(Params._dummy(), "inputCol", "input column", typeConverter=TypeConverters.toString)
    outputCol = Param(Params._dummy(), "outputCol", "output column", typeConverter=TypeConverters.toString)
    batchSize = Param(Params._dummy(), "batchSize", "max rows per forward pass", typeConverter=TypeConverters.toInt)
    maxTokensPerBatch = Param(Params._dummy(), "maxTokensPerBatch",
                              "max padded length (tokens, pixels or samples) x rows per forward pass; 0 for no limit",
                              typeConverter=TypeConverters.toInt)
    sortByLength = Param(Params._dummy(), "sortByLength",
                         "expert: sort rows by length inside each read-ahead window so batches pad little",
                         typeConverter=TypeConverters.toBoolean)
    device = Param(Params._dummy(), "device",
                   "auto (the GPU Spark assigned to the task, else CPU), cpu, cuda or cuda:N",
                   typeConverter=TypeConverters.toString)
    engine = Param(Params._dummy(), "engine", "inference engine", typeConverter=TypeConverters.toString)
    dtype = Param(Params._dummy(), "dtype",
                  "graph variant: fp32 (model.onnx), q8 (model_quantized.onnx), fp16, int8, uint8, q4, q4f16, bnb4",
                  typeConverter=TypeConverters.toString)
    ortCpuArena = Param(Params._dummy(), "ortCpuArena",
                        "ONNX Runtime's CPU arena allocator: faster, but keeps the memory of the largest batch seen for "
                        "the executor's lifetime; false hands freed memory back (executors shared with other work)",
                        typeConverter=TypeConverters.toBoolean)
    ortMemoryPattern = Param(Params._dummy(), "ortMemoryPattern",
                             "ONNX Runtime's memory pattern optimization: pre-plans allocations per input shape; "
                             "false saves memory when shapes vary (text batches of different padded lengths)",
                             typeConverter=TypeConverters.toBoolean)
    handleInvalid = Param(Params._dummy(), "handleInvalid",
                          "what to do with a row that cannot be processed: error (fail the job), "
                          "skip (drop it, counted), keep (null output, reason in errorCol)",
                          typeConverter=TypeConverters.toString)
    errorCol = Param(Params._dummy(), "errorCol", "column for the reason a row failed (handleInvalid=keep)",
                     typeConverter=TypeConverters.toString)

    _param_defaults = {"outputCol": "prediction", "batchSize": 32, "maxTokensPerBatch": 0, "sortByLength": True,
                       "device": "auto", "engine": "onnxruntime", "dtype": "fp32", "ortCpuArena": True,
                       "ortMemoryPattern": True, "handleInvalid": "error", "errorCol": "error"}


class _TextParams(_StageParams):
    """io.sparkformers.ml.TextStage: a stage over one text column."""

    maxInputChars = Param(Params._dummy(), "maxInputChars", "texts longer than this are invalid rows",
                          typeConverter=TypeConverters.toInt)

    _param_defaults = {"inputCol": "text", "maxInputChars": 1000000}


class _EncoderTextParams(_TextParams):
    """io.sparkformers.ml.EncoderTextStage: a text stage whose encoder truncates its input."""

    maxLength = Param(Params._dummy(), "maxLength",
                      "truncation length in tokens, special tokens included; 0 for the model's",
                      typeConverter=TypeConverters.toInt)

    _param_defaults = {"maxLength": 0}


class _GenerationParams(_TextParams):
    """io.sparkformers.ml.GenerationStage: transformers' generate() arguments, unset = the model's
    generation_config.json, then transformers' defaults."""

    maxLength = Param(Params._dummy(), "maxLength",
                      "longest output in tokens (decoder-only: prompt included); unset: the model's",
                      typeConverter=TypeConverters.toInt)
    maxNewTokens = Param(Params._dummy(), "maxNewTokens", "tokens to generate after the prompt",
                         typeConverter=TypeConverters.toInt)
    minLength = Param(Params._dummy(), "minLength", "no eos before this length (decoder-only: prompt included)",
                      typeConverter=TypeConverters.toInt)
    minNewTokens = Param(Params._dummy(), "minNewTokens", "no eos before this many new tokens",
                         typeConverter=TypeConverters.toInt)
    doSample = Param(Params._dummy(), "doSample", "sample each token instead of taking the best",
                     typeConverter=TypeConverters.toBoolean)
    temperature = Param(Params._dummy(), "temperature", "sampling: divides the scores",
                        typeConverter=TypeConverters.toFloat)
    topK = Param(Params._dummy(), "topK", "sampling: keep the k best tokens; 0 keeps all",
                 typeConverter=TypeConverters.toInt)
    topP = Param(Params._dummy(), "topP", "sampling: keep the best tokens up to this probability",
                 typeConverter=TypeConverters.toFloat)
    seed = Param(Params._dummy(), "seed", "sampling: with the row's input it picks the row's random stream",
                 typeConverter=TypeConverters.toInt)
    numBeams = Param(Params._dummy(), "numBeams", "beam search with this many beams; 1 is greedy search or sampling",
                     typeConverter=TypeConverters.toInt)
    lengthPenalty = Param(Params._dummy(), "lengthPenalty", "beam search: scores are divided by length^lengthPenalty",
                          typeConverter=TypeConverters.toFloat)
    earlyStopping = Param(Params._dummy(), "earlyStopping", "beam search: true, false or never",
                          typeConverter=TypeConverters.toString)
    noRepeatNgramSize = Param(Params._dummy(), "noRepeatNgramSize", "no n-gram of this size occurs twice",
                              typeConverter=TypeConverters.toInt)
    repetitionPenalty = Param(Params._dummy(), "repetitionPenalty", "penalty on tokens already present",
                              typeConverter=TypeConverters.toFloat)
    truncation = Param(Params._dummy(), "truncation", "cut inputs to the tokenizer's model_max_length",
                       typeConverter=TypeConverters.toBoolean)
    maxNewTokensCol = Param(Params._dummy(), "maxNewTokensCol",
                            "integer column of each row's max_new_tokens (a null takes maxNewTokens)",
                            typeConverter=TypeConverters.toString)
    continuousBatching = Param(Params._dummy(), "continuousBatching",
                               "expert: a waiting row starts decoding as soon as one ends; false to measure the gain",
                               typeConverter=TypeConverters.toBoolean)

    _param_defaults = {"seed": 0, "truncation": False, "continuousBatching": True}


class _ImageParams(_StageParams):
    """io.sparkformers.ml.ImageStage: a stage over an image column (bytes, Spark image struct or path)."""

    maxPixels = Param(Params._dummy(), "maxPixels",
                      "images with more pixels are invalid rows, checked from the header before decoding",
                      typeConverter=TypeConverters.toInt)
    maxInputBytes = Param(Params._dummy(), "maxInputBytes",
                          "encoded images (or files) larger than this are invalid rows",
                          typeConverter=TypeConverters.toInt)

    # maxPixels is PIL's decompression-bomb limit; maxInputBytes 64 MiB
    _param_defaults = {"inputCol": "image", "maxPixels": 89478485, "maxInputBytes": 67108864}


class _AudioParams(_StageParams):
    """io.sparkformers.ml.AudioStage: a stage over an audio column (bytes, or array<float> samples)."""

    maxAudioSeconds = Param(Params._dummy(), "maxAudioSeconds", "clips longer than this are invalid rows",
                            typeConverter=TypeConverters.toFloat)
    maxInputBytes = Param(Params._dummy(), "maxInputBytes", "encoded clips larger than this are invalid rows",
                          typeConverter=TypeConverters.toInt)
    samplingRateCol = Param(Params._dummy(), "samplingRateCol",
                            "int column with the sampling rate of array<float> samples (optional)",
                            typeConverter=TypeConverters.toString)
    samplingRate = Param(Params._dummy(), "samplingRate",
                         "sampling rate of array<float> samples when no samplingRateCol is set; 0 for the model's",
                         typeConverter=TypeConverters.toInt)

    # one hour, 64 MiB
    _param_defaults = {"inputCol": "audio", "maxAudioSeconds": 3600.0, "maxInputBytes": 67108864,
                       "samplingRate": 0}


class _HasTopK(_Params):
    """top_k of the classification pipelines; None for every label."""

    topK = Param(Params._dummy(), "topK", "labels per row, best first; None for all", typeConverter=_toNullableInt)


class _HasFunctionToApply(_Params):
    functionToApply = Param(Params._dummy(), "functionToApply",
                            "softmax, sigmoid or none; default from the model's problem_type and label count",
                            typeConverter=TypeConverters.toString)

    _param_defaults = {"functionToApply": "default"}


# ---- the stages


class _StageReader(JavaMLReader):
    """Reads a saved stage through its Java class (JavaMLReader would derive a pyspark class name)."""

    @classmethod
    def _java_loader_class(cls, clazz):
        return clazz._java_class


class _Stage(JavaTransformer, _StageParams, JavaMLReadable, JavaMLWritable):
    """A Java stage of io.sparkformers.ml; ``_java_class`` names it.

    A new stage is a subclass with its ``_java_class``, the Params its Java class adds and their
    ``_param_defaults``, listed in ``__all__``; PySparkWrappersTest names whatever is missing.
    """

    _java_class = None

    @keyword_only
    def __init__(self, **kwargs):
        super().__init__()
        self._java_obj = self._new_java_obj(self._java_class, self.uid)
        # bases first, so a stage's own defaults win
        for cls in reversed(type(self).__mro__):
            self._setDefault(**vars(cls).get("_param_defaults", {}))
        self._set(**self._input_kwargs)

    @keyword_only
    def setParams(self, **kwargs):
        """Sets Params by name, as the constructor does."""
        return self._set(**kwargs)

    @classmethod
    def read(cls):
        return _StageReader(cls)

    def _make_java_param_pair(self, param, value):
        # Params._set keeps None as is; the Java side spells HF's None as NONE
        param = self._resolveParam(param)
        if value is None and param.typeConverter is _toNullableInt:
            value = _NONE
        return super()._make_java_param_pair(param, value)


class TextClassifier(_Stage, _EncoderTextParams, _HasTopK, _HasFunctionToApply):
    """text-classification: array<struct<label,score>> per text (and optional second text of a pair)."""

    _java_class = "io.sparkformers.ml.TextClassifier"

    textPairCol = Param(Params._dummy(), "textPairCol", "second text of a pair (optional)",
                        typeConverter=TypeConverters.toString)

    _param_defaults = {"topK": 1}


class TokenClassifier(_Stage, _EncoderTextParams):
    """token-classification: array<struct<entity,score,index,word,start,end>>, or entity_group per entity."""

    _java_class = "io.sparkformers.ml.TokenClassifier"

    aggregationStrategy = Param(Params._dummy(), "aggregationStrategy",
                                "none, simple, first, average or max (transformers' aggregation_strategy)",
                                typeConverter=TypeConverters.toString)
    ignoreLabels = Param(Params._dummy(), "ignoreLabels", "labels left out of the output",
                         typeConverter=TypeConverters.toListString)

    _param_defaults = {"aggregationStrategy": "none", "ignoreLabels": ["O"]}


class QuestionAnswerer(_Stage):
    """question-answering over questionCol and contextCol: struct<score,start,end,answer> (an array if topK > 1)."""

    _java_class = "io.sparkformers.ml.QuestionAnswerer"

    questionCol = Param(Params._dummy(), "questionCol", "question column", typeConverter=TypeConverters.toString)
    contextCol = Param(Params._dummy(), "contextCol", "context column", typeConverter=TypeConverters.toString)
    topK = Param(Params._dummy(), "topK", "answers per row, best first", typeConverter=TypeConverters.toInt)
    docStride = Param(Params._dummy(), "docStride",
                      "context tokens shared by consecutive windows; None for min(maxSeqLen / 2, 128)",
                      typeConverter=_toNullableInt)
    maxSeqLen = Param(Params._dummy(), "maxSeqLen",
                      "window length in tokens (question + context + special tokens); "
                      "None for min(model_max_length, 384)",
                      typeConverter=_toNullableInt)
    maxQuestionLen = Param(Params._dummy(), "maxQuestionLen",
                           "kept for parity with transformers; its fast-tokenizer path does not use it",
                           typeConverter=TypeConverters.toInt)
    maxAnswerLen = Param(Params._dummy(), "maxAnswerLen", "longest answer in tokens",
                         typeConverter=TypeConverters.toInt)
    handleImpossibleAnswer = Param(Params._dummy(), "handleImpossibleAnswer",
                                   "allow the empty answer when the model scores 'no answer' highest",
                                   typeConverter=TypeConverters.toBoolean)
    alignToWords = Param(Params._dummy(), "alignToWords", "snap answers to whole words",
                         typeConverter=TypeConverters.toBoolean)
    maxInputChars = Param(Params._dummy(), "maxInputChars",
                          "questions or contexts longer than this are invalid rows",
                          typeConverter=TypeConverters.toInt)

    _param_defaults = {"questionCol": "question", "contextCol": "context", "topK": 1, "docStride": None,
                       "maxSeqLen": None, "maxQuestionLen": 64, "maxAnswerLen": 15,
                       "handleImpossibleAnswer": False, "alignToWords": True, "maxInputChars": 1000000}


class FeatureExtractor(_Stage, _EncoderTextParams):
    """feature-extraction: array<array<float>> per token, or array<float> with pooling mean / cls."""

    _java_class = "io.sparkformers.ml.FeatureExtractor"

    pooling = Param(Params._dummy(), "pooling",
                    "none (one vector per token), mean (over real tokens, as sentence-transformers) or cls",
                    typeConverter=TypeConverters.toString)
    normalize = Param(Params._dummy(), "normalize", "L2-normalize each vector", typeConverter=TypeConverters.toBoolean)

    _param_defaults = {"pooling": "none", "normalize": False}


class ImageClassifier(_Stage, _ImageParams, _HasTopK, _HasFunctionToApply):
    """image-classification: array<struct<label,score>> per image."""

    _java_class = "io.sparkformers.ml.ImageClassifier"

    _param_defaults = {"topK": 5}


class ObjectDetector(_Stage, _ImageParams):
    """object-detection (DETR): array<struct<label,score,box:struct<xmin,ymin,xmax,ymax>>> per image."""

    _java_class = "io.sparkformers.ml.ObjectDetector"

    threshold = Param(Params._dummy(), "threshold", "detections scoring above this are kept",
                      typeConverter=TypeConverters.toFloat)

    _param_defaults = {"threshold": 0.5}


class ImageSegmenter(_Stage, _ImageParams):
    """image-segmentation (SegFormer, Mask2Former): array<struct<label,score,mask:binary PNG>> per image."""

    _java_class = "io.sparkformers.ml.ImageSegmenter"

    subtask = Param(Params._dummy(), "subtask",
                    "semantic, instance or panoptic; default: panoptic where the model has it, else semantic",
                    typeConverter=TypeConverters.toString)
    threshold = Param(Params._dummy(), "threshold", "min score of a query's class (panoptic, instance)",
                      typeConverter=TypeConverters.toFloat)
    maskThreshold = Param(Params._dummy(), "maskThreshold",
                          "mask probability above which a pixel is in a query's own mask (panoptic)",
                          typeConverter=TypeConverters.toFloat)
    overlapMaskAreaThreshold = Param(Params._dummy(), "overlapMaskAreaThreshold",
                                     "min share of a query's own mask it must win to become a segment (panoptic)",
                                     typeConverter=TypeConverters.toFloat)
    labelIdsToFuse = Param(Params._dummy(), "labelIdsToFuse",
                           "label ids whose panoptic segments merge into one (e.g. stuff classes)",
                           typeConverter=TypeConverters.toListInt)
    returnLabelMap = Param(Params._dummy(), "returnLabelMap",
                           "return the segment-id map and segments_info instead of one PNG mask per segment",
                           typeConverter=TypeConverters.toBoolean)

    _param_defaults = {"subtask": "default", "threshold": 0.9, "maskThreshold": 0.5,
                       "overlapMaskAreaThreshold": 0.5, "labelIdsToFuse": [], "returnLabelMap": False}


class DepthEstimator(_Stage, _ImageParams):
    """depth-estimation (GLPN): struct<predicted_depth:struct<height,width,data>, depth:binary PNG> per image."""

    _java_class = "io.sparkformers.ml.DepthEstimator"


class AudioClassifier(_Stage, _AudioParams, _HasTopK):
    """audio-classification (wav2vec2 family): array<struct<label,score>> per clip."""

    _java_class = "io.sparkformers.ml.AudioClassifier"

    _param_defaults = {"topK": 5}


class SpeechRecognizer(_Stage, _AudioParams):
    """automatic-speech-recognition (CTC, wav2vec2 family): struct<text, chunks> per clip."""

    _java_class = "io.sparkformers.ml.SpeechRecognizer"

    chunkLengthS = Param(Params._dummy(), "chunkLengthS",
                         "window length in seconds for long audio; 0 reads each clip whole",
                         typeConverter=TypeConverters.toFloat)
    strideLengthS = Param(Params._dummy(), "strideLengthS",
                          "seconds of context each window shares with its neighbours: "
                          "[] for chunkLengthS / 6, [both] or [left, right]",
                          typeConverter=TypeConverters.toListFloat)
    returnTimestamps = Param(Params._dummy(), "returnTimestamps",
                             "none, char or word: add each character's or word's [start, end] in seconds",
                             typeConverter=TypeConverters.toString)

    _param_defaults = {"chunkLengthS": 0.0, "strideLengthS": [], "returnTimestamps": "none"}


class TextGenerator(_Stage, _GenerationParams):
    """text-generation (decoder-only, GPT-2 family): struct<generated_text> per prompt."""

    _java_class = "io.sparkformers.ml.TextGenerator"

    returnFullText = Param(Params._dummy(), "returnFullText",
                           "the prompt followed by the generated text; false for the generated text alone",
                           typeConverter=TypeConverters.toBoolean)

    _param_defaults = {"returnFullText": True}


class Summarizer(_Stage, _GenerationParams):
    """summarization (encoder-decoder, BART/T5 family): struct<summary_text> per text."""

    _java_class = "io.sparkformers.ml.Summarizer"


class Translator(_Stage, _GenerationParams):
    """translation (T5, Marian, mBART): struct<translation_text> per text."""

    _java_class = "io.sparkformers.ml.Translator"

    srcLang = Param(Params._dummy(), "srcLang", "source language, as in translation_{srcLang}_to_{tgtLang}",
                    typeConverter=TypeConverters.toString)
    tgtLang = Param(Params._dummy(), "tgtLang",
                    "target language: a T5 translation_*_to_{tgtLang} entry, or a language-code token",
                    typeConverter=TypeConverters.toString)
    prefix = Param(Params._dummy(), "prefix", "text put before every input; unset: the task's (T5), else none",
                   typeConverter=TypeConverters.toString)


# PipelineModel.load and JavaParams._from_java find a stage's Python class by importing the module
# named as its Java package; this module stands in for io.sparkformers.ml.
sys.modules.setdefault("io.sparkformers.ml", sys.modules[__name__])

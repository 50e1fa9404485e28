import Foundation

/// RULER's question answering (`qa_1` from SQuAD, `qa_2` from HotpotQA): the documents that
/// answer a question, hidden among other documents of the dataset as "Document i:" paragraphs;
/// right when any reference answer appears in the reply.
public struct RulerQA: RulerGenerator {
    /// One question with the documents that answer it.
    public struct Question: Equatable, Sendable {
        public var query: String
        public var answers: [String]
        /// Indices into `documents` that hold the answer.
        public var context: [Int]
        /// Further documents of the same article (SQuAD), preferred as distractors.
        public var related: [Int]
    }

    /// RULER's template.
    public static let template = "Answer the question based on the given documents. Only give me the answer and do not output any other words.\n\nThe following are given documents.\n\n{context}\n\nAnswer the question based on the given documents. Only give me the answer and do not output any other words.\n\nQuestion: {query}"
    /// RULER's answer prefix.
    public static let answerPrefix = " Answer:"

    /// Every distinct document, sorted.
    public let documents: [String]
    /// Every answerable question, in file order.
    public let questions: [Question]
    /// The question this generator asks.
    public let questionIndex: Int

    /// The generator for question `index` (wrapping around) of a dataset.
    public func asking(_ index: Int) -> RulerQA {
        RulerQA(documents: documents, questions: questions, questionIndex: index % questions.count)
    }

    init(documents: [String], questions: [Question], questionIndex: Int = 0) {
        self.documents = documents
        self.questions = questions
        self.questionIndex = questionIndex
    }

    /// Documents grow 10 at a time.
    public var increment: Int { 10 }

    /// A sample with `size` documents (the answering ones included, all shuffled).
    public func sample(size: Int, random: inout RulerRandom) -> RulerSample {
        let question = questions[questionIndex]
        var chosen: [Int]
        if size < documents.count {
            if size - question.context.count > question.related.count {
                let used = Set(question.context + question.related)
                let others = documents.indices.filter { !used.contains($0) }
                chosen = question.context + question.related + random.sample(others, max(0, size - question.context.count - question.related.count))
            } else {
                chosen = question.context + random.sample(question.related, max(0, size - question.context.count))
            }
        } else {
            chosen = (0..<size).map { $0 % documents.count }
        }
        chosen = random.shuffled(chosen)
        let context = chosen.enumerated().map { "Document \($0.offset + 1):\n\(documents[$0.element])" }.joined(separator: "\n\n")
        let prompt = RulerTemplate.fill(RulerQA.template + RulerQA.answerPrefix, ["context": context, "query": question.query])
        return RulerSample(prompt: prompt, answerPrefixStart: RulerQA.answerPrefix, outputs: question.answers)
    }

    /// Reads a SQuAD-layout file (`{"data": [{"paragraphs": [{"context", "qas": [{"question",
    /// "answers": [{"text"}], "is_impossible"}]}]}]}`); impossible questions are skipped.
    public static func squad(contentsOf path: String) throws -> RulerQA {
        let root = try json(path)
        guard let articles = (root as? [String: Any])?["data"] as? [[String: Any]] else {
            throw RunError.invalidData("\(path): expected SQuAD's layout, an object with a \"data\" list of articles")
        }
        var paragraphs: [[(context: String, qas: [[String: Any]])]] = []
        for (a, article) in articles.enumerated() {
            guard let list = article["paragraphs"] as? [[String: Any]] else {
                throw RunError.invalidData("\(path): article \(a + 1) has no \"paragraphs\" list")
            }
            paragraphs.append(try list.enumerated().map { p, paragraph in
                guard let context = paragraph["context"] as? String, let qas = paragraph["qas"] as? [[String: Any]] else {
                    throw RunError.invalidData("\(path): article \(a + 1) paragraph \(p + 1) needs a \"context\" string and a \"qas\" list")
                }
                return (context, qas)
            })
        }
        let documents = Array(Set(paragraphs.flatMap { $0.map(\.context) })).sorted()
        let index = Dictionary(uniqueKeysWithValues: documents.enumerated().map { ($1, $0) })
        var questions: [Question] = []
        for article in paragraphs {
            let articleDocuments = article.compactMap { index[$0.context] }
            for paragraph in article {
                guard let own = index[paragraph.context] else { continue }
                for qa in paragraph.qas where (qa["is_impossible"] as? Bool) != true {
                    guard let query = qa["question"] as? String, let answers = qa["answers"] as? [[String: Any]] else {
                        throw RunError.invalidData("\(path): a question needs a \"question\" string and an \"answers\" list")
                    }
                    let texts = answers.compactMap { $0["text"] as? String }
                    guard !texts.isEmpty else { continue }
                    questions.append(Question(query: query, answers: texts, context: [own], related: articleDocuments.filter { $0 != own }))
                }
            }
        }
        guard !questions.isEmpty else { throw RunError.invalidData("\(path) has no answerable questions") }
        return RulerQA(documents: documents, questions: questions)
    }

    /// Reads a HotpotQA-layout file (`[{"question", "answer", "context": [[title, [sentences]]]}]`);
    /// a document is its title, a line break and its sentences joined.
    public static func hotpotQA(contentsOf path: String) throws -> RulerQA {
        guard let records = try json(path) as? [[String: Any]] else {
            throw RunError.invalidData("\(path): expected HotpotQA's layout, a list of question objects")
        }
        var parsed: [(query: String, answer: String, documents: [String])] = []
        for (r, record) in records.enumerated() {
            guard let query = record["question"] as? String, let answer = record["answer"] as? String,
                  let context = record["context"] as? [[Any]] else {
                throw RunError.invalidData("\(path): record \(r + 1) needs \"question\" and \"answer\" strings and a \"context\" list")
            }
            let documents = try context.map { pair -> String in
                guard pair.count == 2, let title = pair[0] as? String, let sentences = pair[1] as? [String] else {
                    throw RunError.invalidData("\(path): record \(r + 1): each context entry must be [title, [sentences]]")
                }
                return title + "\n" + sentences.joined()
            }
            parsed.append((query, answer, documents))
        }
        let documents = Array(Set(parsed.flatMap(\.documents))).sorted()
        let index = Dictionary(uniqueKeysWithValues: documents.enumerated().map { ($1, $0) })
        let questions = parsed.map { Question(query: $0.query, answers: [$0.answer], context: $0.documents.compactMap { index[$0] }, related: []) }
        guard !questions.isEmpty else { throw RunError.invalidData("\(path) has no questions") }
        return RulerQA(documents: documents, questions: questions)
    }

    private static func json(_ path: String) throws -> Any {
        guard let data = FileManager.default.contents(atPath: path) else { throw RunError.invalidData("cannot read \(path)") }
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            throw RunError.invalidData("\(path) is not JSON: \(error.localizedDescription)")
        }
    }
}
